import TokenLabCore

/// One user's days under one policy, in a world of her own: the app logs in
/// when it holds nothing, reloads at the start of each session, calls the
/// API, and refreshes as the world's client does (on a 401, or ahead of
/// expiry when the policy says). At a call that needs a refresh, her luck
/// may make a second tab race it or lose its response (the world's own
/// `race tabs` and `race lost`). An incident runs the catalog attack's lines
/// through the interpreter, as `attack` would, while she carries on.
struct UserRun {
    let plan: UserPlan
    let column: StudyPolicy
    let spec: StudySpec
    let world: World
    private let interpreter: Interpreter?
    private let orders: Int
    /// The race or loss last forced on a family, to name a reuse it causes.
    private var forced: (family: Int, cause: LogoutCause)?

    init(plan: UserPlan, user: Int, column: StudyPolicy, spec: StudySpec) {
        self.plan = plan
        self.column = column
        self.spec = spec
        // Each user's own seed: her token values differ from everyone else's.
        var seeds = RandomStream(seed: spec.seed, name: "study.world.\(user)")
        world = World(seed: seeds.next(), users: [User(name: UserPlan.victim, password: "pw", role: "user", scope: "orders:read")])
        world.setPolicy(column.policy, presetName: column.preset)
        // Only a world with an attacker keeps the story: the report's windows are read from it.
        world.isRecording = !plan.attack.isEmpty
        interpreter = plan.attack.isEmpty ? nil : Interpreter(world: world)
        orders = Resource.catalog.firstIndex(where: { $0.method == "GET" && $0.path == "/orders" }) ?? 0
    }

    mutating func run(into tally: inout StudyTally) {
        tally.users += 1
        var next = 0
        for call in plan.calls {
            while next < plan.attack.count, plan.attack[next].at <= call.at {
                runAttackLine(next, tally: &tally)
                next += 1
            }
            step(at: call.at, byUser: true, tally: &tally) { run, tally in run.userCalls(call, tally: &tally) }
        }
        while next < plan.attack.count {
            runAttackLine(next, tally: &tally)
            next += 1
        }
        defer { tally.eventsRun += world.counters.eventsRun }
        guard !plan.incidentStarts.isEmpty else { return }
        try? world.advance(to: max(world.now, VirtualTime(milliseconds: Duration.days(Int64(spec.days)).milliseconds)))
        judgeIncidents(into: &tally)
    }

    /// Runs `body` at `time` and books what it cost the auth server and
    /// whether it ended her session.
    private mutating func step(at time: VirtualTime, byUser: Bool, tally: inout StudyTally, _ body: (inout UserRun, inout StudyTally) -> Void) {
        try? world.advance(to: max(time, world.now))
        let client = world.clients[0]
        let heldSession = client.refresh != nil || client.access != nil
        let family = client.family
        let before = world.counters
        body(&self, &tally)
        let after = world.counters
        tally.count(at: time, tokenRequests: after.tokenRequests - before.tokenRequests,
                    introspections: after.introspections - before.introspections)
        if byUser { tally.refreshes += after.refreshes - before.refreshes }
        if heldSession, client.refresh == nil, client.access == nil, let family {
            if let cause = cause(ofLosing: family) { tally.falseLogouts[cause.rawValue] += 1 } else { tally.detectionLogouts += 1 }
        }
    }

    private mutating func runAttackLine(_ index: Int, tally: inout StudyTally) {
        step(at: plan.attack[index].at, byUser: false, tally: &tally) { run, tally in
            if run.interpreter?.execute(run.plan.attack[index].line).error != nil { tally.attackLineErrors += 1 }
        }
    }

    private mutating func userCalls(_ call: UserPlan.Call, tally: inout StudyTally) {
        let client = world.clients[0]
        let user = UserPlan.victim
        if call.opensSession, client.refresh != nil || client.access != nil { try? world.reload(user: user) }
        if client.refresh == nil, client.access == nil {
            try? world.login(user: user)
            tally.logins += 1
        } else if let family = client.family, refreshIsDue(client) {
            let luck = Int(call.luck)
            if spec.usage.twoTabs.includes(luck) {
                forced = (family, .twoTabs)
                // Two tabs race only if a second one is open (it stays open, as tabs do).
                if world.tabs(of: 0).count < 2 { try? world.openTab(user: user) }
                try? world.race("tabs", user: user)
            } else if spec.usage.lostResponse.includes(luck - spec.usage.twoTabs.partsPerMillion) {
                forced = (family, .lostResponse)
                try? world.race("lost", user: user)
            }
        }
        let before = world.counters
        world.startCall(client: 0, resource: orders, isRetry: false)
        try? world.settle()
        // One call of hers, however many requests it took (a 401, a refresh, the retry).
        tally.calls += 1
        tally.callsSucceeded += world.counters.callsSucceeded - before.callsSucceeded
    }

    /// The app would refresh before (or on) this call: its access token has
    /// expired by its own clock, or will within the policy's refresh-ahead.
    private func refreshIsDue(_ client: Client) -> Bool {
        guard client.refresh != nil else { return false }
        guard let expiry = client.accessExpiresAt else { return true }
        return world.now + (world.policy.refreshAhead ?? .zero) >= expiry
    }

    /// Why she lost `family`, or nil when reuse detection caught a thief (not a false logout).
    private func cause(ofLosing family: Int) -> LogoutCause? {
        let record = world.auth.families[family]
        if let revoked = record.revoked {
            guard revoked.reason == "reuse detected" else { return .other }
            if stolenFamilies(since: .zero).contains(family) { return nil }
            if let forced, forced.family == family { return forced.cause }
            return .otherReuse
        }
        return world.now >= record.absoluteExpiry ? .absoluteExpiry : .idleExpiry
    }

    /// Families the attacker holds material of, acquired at or after `start`.
    private func stolenFamilies(since start: VirtualTime, before end: VirtualTime? = nil) -> [Int] {
        guard world.isRecording else { return [] }
        var families: [Int] = []
        for material in world.attackLog.materials where material.acquiredAt >= start && end.map({ material.acquiredAt < $0 }) ?? true {
            guard let token = material.token, let family = world.ledger.entry(value: token)?.family, family >= 0 else { continue }
            if !families.contains(family) { families.append(family) }
        }
        return families
    }

    /// Each incident's exposure (the report's window) and whether, and how
    /// soon, reuse detection caught it.
    private func judgeIncidents(into tally: inout StudyTally) {
        let starts = plan.incidentStarts.sorted { ($0.at, $0.incident) < ($1.at, $1.incident) }
        let outcomes = world.attackOutcomes()
        for (i, start) in starts.enumerated() {
            let end = i + 1 < starts.count ? starts[i + 1].at : nil
            let mine = outcomes.filter { outcome in
                guard let at = outcome.acquiredAt else { return false }
                return at >= start.at && end.map { at < $0 } ?? true
            }
            tally.thefts += 1
            tally.exposures.append(Matrix.exposure(mine)?.milliseconds ?? 0)
            let caught = stolenFamilies(since: start.at, before: end).compactMap { family -> VirtualTime? in
                guard let revoked = world.auth.families[family].revoked, revoked.reason == "reuse detected", revoked.at >= start.at else { return nil }
                return revoked.at
            }.min()
            if let caught { tally.detections.append((caught - start.at).milliseconds) }
        }
    }
}
