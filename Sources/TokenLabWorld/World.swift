import TokenLabCore
import TokenLabTokens

/// The simulated world: a virtual clock, an event queue, the parties and the
/// policy. Nothing happens between calls: time moves only through
/// `advance(by:)`, `advance(to:)` or an action settling, and every event due
/// on the way runs in (time, sequence) order. One thread, no wall clock.
public final class World {
    /// 2026-01-01T00:00:00Z: virtual time zero, in Unix seconds.
    public static let epoch: Int64 = 1_767_225_600

    public let seed: UInt64
    public private(set) var now = VirtualTime.zero
    public private(set) var policy = Policy.baseline
    /// The preset last chosen; `policy diff` compares against it.
    public private(set) var presetName = "baseline"
    let auth: AuthServer
    let api: ResourceServer
    var clients: [Client] = []
    var queue = EventQueue<Event>()
    var exchanges: [Exchange?] = []
    var freeExchanges: [Int] = []
    var exchangesInFlight = 0
    /// Introspection answers waiting to reach the API, by exchange (kept out
    /// of `Exchange` so the common exchange stays small to copy).
    var introspections: [Int: (active: Bool, claims: AccessTokenClaims?, reason: String)] = [:]

    /// When false, no events or ledger entries are kept (the bench): the same
    /// code runs, it just does not write the story down.
    public var isRecording = true
    public private(set) var events: [TraceEvent] = []
    var ledger = TokenLedger()
    var attackLog = AttackLog()
    /// What crossed a plain link or sat in a URL, as it crossed.
    var network = NetworkRecord()
    public internal(set) var counters = Counters()

    public struct Counters: Sendable, Equatable {
        public var eventsRun = 0
        public var callsCompleted = 0
        public var callsSucceeded = 0
        public var refreshes = 0
        public var logins = 0
    }

    /// A world with alice (a user) and bob (an admin), each with a browser.
    public init(seed: UInt64 = 1, users: [User] = World.defaultUsers) {
        self.seed = seed
        auth = AuthServer(seed: seed, users: users)
        api = ResourceServer(keys: auth.keys)
        for user in users { clients.append(Client(name: user.name + ".browser", user: user.name, password: user.password)) }
        // The attacker: no account, only what she steals (and what that gets her).
        clients.append(Client(name: World.attacker, user: World.attacker, password: "", isAttacker: true))
        api.apply(policy, keys: auth.keys)
    }

    public static let defaultUsers = [
        User(name: "alice", password: "wonderland", role: "user", scope: "orders:read"),
        User(name: "bob", password: "builder", role: "admin", scope: "orders:read admin"),
    ]

    public static let attacker = "mallory"

    public var userNames: [String] { auth.users.map(\.name) }
    /// Everyone with a device: the users and the attacker.
    public var actorNames: [String] { clients.map(\.user) }
    public var partyNames: [String] { ["auth", "api"] + clients.map(\.name) }

    // MARK: Policy

    public func setPolicy(_ policy: Policy, presetName: String? = nil) {
        self.policy = policy
        if let presetName { self.presetName = presetName }
        api.apply(policy, keys: auth.keys)
    }

    // MARK: Time

    /// Runs everything due within `duration`, then sets the clock to its end.
    public func advance(by duration: Duration) { advance(to: now + duration) }

    public func advance(to target: VirtualTime) {
        while let entry = queue.popNext(notAfter: target) { run(entry) }
        if target > now { now = target }
    }

    /// Runs events until no exchange is in flight: an action's requests and
    /// responses (and what they trigger) all complete, in order.
    func settle() {
        while exchangesInFlight > 0, let entry = queue.popNext(notAfter: VirtualTime(milliseconds: .max)) { run(entry) }
    }

    private func run(_ entry: EventQueue<Event>.Entry) {
        now = entry.time
        counters.eventsRun += 1
        dispatch(entry.payload)
    }

    func schedule(_ event: Event, after delay: Duration) {
        queue.schedule(event, at: now + delay)
    }

    // MARK: Recording

    func record(_ kind: TraceEvent.Kind, from: String, to: String? = nil, _ action: String, _ outcome: String = "",
                status: Int? = nil, rule: String? = nil, tokens: [String] = [], minted: [MintedToken] = []) {
        events.append(TraceEvent(time: now, sequence: events.count, kind: kind, from: from, to: to, action: action,
                                 outcome: outcome, status: status, rule: rule, tokens: tokens, minted: minted))
    }

    /// The short id (`at3`, `rt2`) of a token this world minted, or a
    /// truncated form of one it did not (a forgery, a typo).
    func shortID(_ token: String?) -> String {
        guard let token else { return "none" }
        if let id = ledger.id(of: token) { return id }
        return token.count > 12 ? String(token.prefix(10)) + "…" : token
    }

    func client(forUser name: String) -> Int? { clients.firstIndex(where: { $0.user == name }) }
}
