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
    /// The attacker's keys and forgery ids (World+AttackerKnowledge).
    var knowledge: AttackerKnowledge
    public internal(set) var counters = Counters()
    /// Sessions the app's backend has started, for their ids (`s1`, `s2`; World+Backend).
    var backendSessions = 0

    /// The runaway guard's state for the command running now (World+Runaway).
    var commandGuard = CommandGuard()
    /// Asked every few thousand events while a command runs: true stops it
    /// ("interrupted"). The REPL sets it so that Ctrl-C ends a long command.
    public var shouldInterrupt: (() -> Bool)?
    /// Events one command may run before the guard calls it a runaway.
    public var eventBudget = World.defaultEventBudget

    public struct Counters: Sendable, Equatable {
        public var eventsRun = 0
        public var callsCompleted = 0
        public var callsSucceeded = 0
        public var refreshes = 0
        public var logins = 0
        /// Requests to the token endpoint (password, code and refresh grants): the auth server's load.
        public var tokenRequests = 0
        /// Introspection requests from the API to the auth server (RFC 7662).
        public var introspections = 0
    }

    /// A world with alice (a user) and bob (an admin), each with a browser.
    public init(seed: UInt64 = 1, users: [User] = World.defaultUsers) {
        self.seed = seed
        knowledge = AttackerKnowledge(seed: seed)
        auth = AuthServer(seed: seed, users: users)
        api = ResourceServer(keys: auth.keys)
        for user in users {
            clients.append(Client(name: user.name + ".browser", user: user.name, password: user.password, browser: clients.count))
        }
        // The attacker: no account, only what she steals (and what that gets her).
        clients.append(Client(name: World.attacker, user: World.attacker, password: "", isAttacker: true, browser: clients.count))
        api.apply(policy, keys: auth.keys)
    }

    /// An independent copy sharing nothing mutable with `other`: each party
    /// is copied, the value-typed state (queue, exchanges, ledger, attack
    /// log, random streams) is copied by value. See World+Snapshot.
    /// A new stored property must be copied here too; the snapshot tests
    /// compare every view of a copy with a fresh replay.
    init(copying other: World) {
        seed = other.seed
        now = other.now
        policy = other.policy
        presetName = other.presetName
        auth = AuthServer(copying: other.auth)
        api = ResourceServer(copying: other.api)
        // Tabs of one browser share the copy of its profile, as they shared the original.
        var copies: [Client] = []
        for client in other.clients {
            copies.append(Client(copying: client, profile: client.browser < copies.count ? copies[client.browser].profile : nil))
        }
        clients = copies
        queue = other.queue
        exchanges = other.exchanges
        freeExchanges = other.freeExchanges
        exchangesInFlight = other.exchangesInFlight
        introspections = other.introspections
        isRecording = other.isRecording
        events = other.events
        ledger = other.ledger
        attackLog = other.attackLog
        network = other.network
        knowledge = other.knowledge
        counters = other.counters
        backendSessions = other.backendSessions
        shouldInterrupt = other.shouldInterrupt
        eventBudget = other.eventBudget
        // The guard belongs to a running command, which a copy never is in.
        commandGuard = CommandGuard()
    }

    public static let defaultUsers = [
        User(name: "alice", password: "wonderland", role: "user", scope: "orders:read"),
        User(name: "bob", password: "builder", role: "admin", scope: "orders:read admin"),
    ]

    public static let attacker = "mallory"

    public var userNames: [String] { auth.users.map(\.name) }
    /// Everyone with a device: the users and the attacker.
    /// A browser's first tab answers to its user's name; later tabs to `alice.tab2`.
    public var actorNames: [String] { clients.filter { !$0.isBackend }.map { $0.tab == 1 ? $0.user : $0.name } }
    public var partyNames: [String] { ["auth", "api"] + clients.map(\.name) }

    // MARK: Policy

    public func setPolicy(_ policy: Policy, presetName: String? = nil) {
        let remakesKey = policy.secretStrength != self.policy.secretStrength
        self.policy = policy
        if let presetName { self.presetName = presetName }
        api.apply(policy, keys: auth.keys)
        // A key is made once; a new strength means a new key (World+Crack).
        if remakesKey { rotateKeys(because: "keys.secret \(policy.secretStrength.rawValue)") }
    }

    // MARK: Time

    /// The clock never passes 1,000 years (of 365.25 days): far beyond any
    /// lesson, and far from `Int64`'s limit even with a 100-year latency on top.
    public static let latestTime = VirtualTime(milliseconds: Duration.days(365_250).milliseconds)

    /// Runs everything due within `duration`, then sets the clock to its end.
    /// For drivers outside the command language (the bench), which bound
    /// their own workload: a stop here is a broken precondition, not input.
    public func advance(by duration: Duration) {
        do { try advance(to: try instant(after: duration)) } catch { preconditionFailure(error.message) }
    }

    /// Runs everything due up to `target`, then sets the clock to it.
    public func advance(to target: VirtualTime) throws(CommandError) {
        guard target <= World.latestTime else { throw CommandError(World.pastLatestTime) }
        while let entry = queue.popNext(notAfter: target) { try run(entry) }
        try checkGuard()
        if target > now { now = target }
    }

    /// `now + duration`, or an error when that would pass `latestTime`.
    public func instant(after duration: Duration) throws(CommandError) -> VirtualTime {
        guard duration.milliseconds >= 0, duration.milliseconds <= World.latestTime.milliseconds - now.milliseconds else {
            throw CommandError("advance: \(duration.text) from \(now.clockText) would pass the latest virtual time (1000 years)")
        }
        return now + duration
    }

    /// Runs events until no exchange is in flight: an action's requests and
    /// responses (and what they trigger) all complete, in order.
    func settle() throws(CommandError) {
        while exchangesInFlight > 0, let entry = queue.popNext(notAfter: VirtualTime(milliseconds: .max)) { try run(entry) }
        try checkGuard()
    }

    private func run(_ entry: EventQueue<Event>.Entry) throws(CommandError) {
        now = entry.time
        counters.eventsRun += 1
        dispatch(entry.payload)
        // One comparison per event; the guard's real work runs every few thousand.
        if counters.eventsRun >= commandGuard.nextCheck { try checkGuard() }
    }

    func schedule(_ event: Event, after delay: Duration) {
        // Only a policy that bypassed `set`'s bounds can get here; the event is
        // dropped and the guard stops the command at its next check.
        guard delay.milliseconds >= 0, delay.milliseconds <= World.latestTime.milliseconds - now.milliseconds else {
            commandGuard.stopNow(because: World.pastLatestTime)
            return
        }
        queue.schedule(event, at: now + delay)
    }

    // MARK: Recording

    /// Writes an event down; a world that is not recording (the bench, a
    /// study's quiet users) neither keeps it nor builds its text.
    func record(_ kind: TraceEvent.Kind, from: @autoclosure () -> String, to: @autoclosure () -> String? = nil,
                _ action: @autoclosure () -> String, _ outcome: @autoclosure () -> String = "",
                status: Int? = nil, rule: @autoclosure () -> String? = nil, tokens: @autoclosure () -> [String] = [],
                minted: @autoclosure () -> [MintedToken] = [], challenge: @autoclosure () -> String? = nil) {
        guard isRecording else { return }
        events.append(TraceEvent(time: now, sequence: events.count, kind: kind, from: from(), to: to(), action: action(),
                                 outcome: outcome(), status: status, rule: rule(), tokens: tokens(), minted: minted(), challenge: challenge()))
    }

    /// The short id (`at3`, `rt2`) of a token this world minted, or a
    /// truncated form of one it did not (a forgery, a typo).
    func shortID(_ token: String?) -> String {
        guard let token else { return "none" }
        if let id = ledger.id(of: token) { return id }
        return token.count > 12 ? String(token.prefix(10)) + "…" : token
    }

    /// `alice` (or `alice.browser`, `alice.tab1`) is the first tab of alice's browser; `alice.tab2` the second.
    func client(forUser name: String) -> Int? {
        clients.firstIndex(where: { $0.tab == 1 && ($0.user == name || $0.name == name || "\($0.user).tab1" == name) })
            ?? clients.firstIndex(where: { $0.name == name && !$0.isBackend })
    }
}
