import TokenLabCore
import TokenLabTokens

/// The benchmark's workload, run by the same world code as every command:
/// N clients each log in at a random moment in the first 30 s, then call
/// `GET /orders` every 30 s. Access tokens live 5 minutes; the client
/// refreshes (with rotation) at its first call after expiry; the API fully
/// validates every token. Links have zero latency and nothing is recorded.
public struct Workload: Sendable {
    public var clients: Int
    public var duration: Duration
    public var seed: UInt64
    public var callInterval = Duration.seconds(30)
    public var loginWindow = Duration.seconds(30)

    public init(clients: Int, duration: Duration, seed: UInt64) {
        self.clients = clients
        self.duration = duration
        self.seed = seed
    }

    /// Rotation with reuse detection, a 5-minute access TTL, and a 1-hour idle
    /// limit, as a careful deployment would set.
    public static var policy: Policy {
        var policy = Policy.rotation
        policy.accessTTL = .minutes(5)
        policy.refreshIdle = .hours(1)
        policy.refreshAhead = .zero
        policy.latency = .zero
        return policy
    }

    /// A world with the workload scheduled and recording off.
    public func makeWorld() -> World {
        let users = (1...max(1, clients)).map { User(name: "user\($0)", password: "pw\($0)", role: "user", scope: "orders:read") }
        let world = World(seed: seed, users: users)
        world.setPolicy(Workload.policy, presetName: "rotation")
        world.isRecording = false
        var random = RandomStream(seed: seed, name: "bench.logins")
        let orders = Resource.catalog.firstIndex(where: { $0.path == "/orders" }) ?? 0
        for client in 0..<users.count {
            let loginAt = VirtualTime(milliseconds: Int64(random.next(below: UInt64(loginWindow.milliseconds))))
            world.queue.schedule(.clientAction(client: client, action: .login), at: loginAt)
            world.queue.schedule(.clientAction(client: client, action: .repeatCall(resource: orders, every: callInterval)),
                                 at: loginAt + callInterval)
        }
        return world
    }
}

extension Workload {
    /// The floor under every call: the API's HMAC-SHA256 of one real access
    /// token's signing input, checked against its signature. Runs it `count`
    /// times and returns how many matched, mod 256 (so the work cannot be
    /// skipped); the bench times it.
    public static func macsOfOneAccessToken(_ count: Int) -> (signingInputBytes: Int, matched: UInt8) {
        guard let (world, token) = oneLoggedInClient(), let lastDot = token.utf8.lastIndex(of: UInt8(ascii: ".")) else { return (0, 0) }
        let input = Array(token.utf8[..<lastDot])
        guard let signature = Base64URL.decode(String(token[token.utf8.index(after: lastDot)...])) else { return (0, 0) }
        let key = world.auth.keys[0]
        // What the API does per call: MAC the input, compare with the token's signature.
        var valid: UInt8 = 0
        input.withUnsafeBytes { bytes in
            signature.withUnsafeBytes { candidate in
                for _ in 0..<count where key.isValidSignature(candidate, for: bytes) { valid &+= 1 }
            }
        }
        return (input.count, valid)
    }

    /// The API's whole check of one real access token, as a call makes it
    /// (split, header, `alg`, the HMAC, the claims): `count` times, returning
    /// how many were accepted, mod 256. Against the HMAC floor, it shows what
    /// validation adds to the MAC itself.
    public static func validationsOfOneAccessToken(_ count: Int) -> UInt8 {
        guard let (world, token) = oneLoggedInClient() else { return 0 }
        var accepted: UInt8 = 0
        for _ in 0..<count {
            if case .valid = world.api.validator.validate(token, now: world.now, epoch: World.epoch) { accepted &+= 1 }
        }
        return accepted
    }

    /// A one-client workload world after its login, and the client's access token.
    private static func oneLoggedInClient() -> (World, String)? {
        let workload = Workload(clients: 1, duration: .minutes(1), seed: 1)
        let world = workload.makeWorld()
        world.advance(by: workload.loginWindow)  // logged in by then
        return world.clients.first?.access.map { (world, $0) }
    }
}
