import TokenLabCore

/// The stories a defence exercise is graded by: each runs in a fresh world
/// under the learner's current policy, through the ordinary command
/// language, so the world (not the grader) decides what happens.
enum Story {
    static func attack(_ name: String, fact: Expectation.AttackFact, policy: Policy, presetName: String, seed: UInt64,
                       text: String) throws(CommandError) -> ExpectationVerdict {
        let cell = Matrix.run(attack: name, policy: policy, presetName: presetName, seed: seed)
        let reach = cell.apiRequests == 0 ? "no API access" : "\(cell.apiRequests) API requests, highest role \(cell.highestRole ?? "none")"
        let window = cell.window.map { "window \($0.text)" } ?? "never usable"
        let summary = "\(name) under this policy: \(reach), \(window); stopped by \(cell.stoppedBy)"
            + (cell.victimCost.map { "; \($0)" } ?? "")
        let holds: Bool
        switch fact {
        case .stopped: holds = !cell.stoppedBy.hasPrefix("nothing")
        case .getsNothing: holds = cell.apiRequests == 0
        case .windowAtMost(let limit): holds = (cell.window ?? Duration(milliseconds: 0)) <= limit
        case .roleAtMost(let role): holds = role == "user" ? cell.highestRole != "admin" : cell.highestRole == nil
        case .victimUnharmed: holds = cell.victimCost == nil
        }
        return ExpectationVerdict(holds: holds, expected: text, shows: summary)
    }

    /// USER logs in, then calls the API every `every` for `span`; the story
    /// fails at the first moment the app loses its session.
    static func usage(user: String, every: Duration, span: Duration, policy: Policy, presetName: String, seed: UInt64,
                      text: String) throws(CommandError) -> ExpectationVerdict {
        let session = Session(seed: seed, preset: presetName, policy: policy)
        session.takesCheckpoints = false
        session.recordsTrace = false
        if let error = session.execute("login \(user)").error { throw CommandError("expect usage: \(error.message)") }
        let calls = Int(span.milliseconds / every.milliseconds)
        for number in 1...max(calls, 1) {
            for line in ["advance \(every.text)", "call \(user) GET /orders"] {
                if let error = session.execute(line).error { throw CommandError("expect usage: '\(line)' failed: \(error.message)") }
            }
            if let cost = session.world.attackLog.logouts.first {
                return ExpectationVerdict(holds: false, expected: text, shows: "after \(number) of \(calls) calls: \(cost)")
            }
        }
        return ExpectationVerdict(holds: true, expected: text, shows: "\(user) stayed logged in through \(calls) calls over \(span.text)")
    }
}
