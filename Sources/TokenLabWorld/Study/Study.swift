import TokenLabCore

/// Runs a study's users and sums what each policy did to them. A front end
/// that wants cores runs blocks in parallel and adds the tallies: addition
/// is all a tally knows, so the order blocks finish in never shows.
public enum Study {
    /// Users `block * blockSize ..< (block + 1) * blockSize` under every
    /// column: one tally per column, in column order.
    public static func run(block: Int, of spec: StudySpec) -> [StudyTally] {
        var tallies = spec.columns.map { _ in StudyTally(days: spec.days) }
        let first = block * StudySpec.blockSize
        for user in first..<min(spec.users, first + StudySpec.blockSize) {
            let plan = UserPlan(user: user, spec: spec)
            for (c, column) in spec.columns.enumerated() {
                var run = UserRun(plan: plan, user: user, column: column, spec: spec)
                run.run(into: &tallies[c])
            }
        }
        return tallies
    }

    /// Every block in order, on this thread (tests and small studies).
    public static func run(_ spec: StudySpec) -> [StudyTally] {
        var totals = spec.columns.map { _ in StudyTally(days: spec.days) }
        for block in 0..<spec.blockCount {
            for (c, tally) in run(block: block, of: spec).enumerated() { totals[c].add(tally) }
        }
        return totals.map(\.normalized)
    }

    /// What is wrong with a spec, as one line naming the flag and its range; nil if nothing.
    public static func problem(with spec: StudySpec) -> String? {
        if !StudySpec.userRange.contains(spec.users) { return "--users takes 1...10000000, got \(spec.users)" }
        if !StudySpec.dayRange.contains(spec.days) { return "--days takes 1...366, got \(spec.days)" }
        let usage = spec.usage
        if usage.activeFrom.milliseconds < 0 || usage.activeUntil > .hours(24) || usage.activeFrom >= usage.activeUntil {
            return "--active takes FROM-UNTIL in whole hours within 0-24, FROM before UNTIL (like 8-23)"
        }
        if !(1...96).contains(usage.sessionsPerDay) { return "--sessions takes 1...96 sessions a day, got \(usage.sessionsPerDay)" }
        if usage.sessionLength < .seconds(1) || usage.sessionLength > .hours(24) {
            return "--session-length takes 1s...24h, got \(usage.sessionLength.text)"
        }
        if usage.callInterval < .seconds(1) || usage.callInterval > .hours(24) {
            return "--call-every takes 1s...24h, got \(usage.callInterval.text)"
        }
        if usage.twoTabs.partsPerMillion + usage.lostResponse.partsPerMillion > 1_000_000 {
            return "--two-tabs plus --lost-response cannot pass 100%"
        }
        if spec.columns.count < 2 || spec.columns.count > 6 {
            return "--policy takes 2...6 columns (PRESET[,KEY=VALUE...], one --policy each), got \(spec.columns.count)"
        }
        for incident in spec.incidents where !Incident.eligible.contains(incident.attack) {
            return "--incident \(incident.attack): not a catalog attack a study can place; valid: \(Incident.eligible.joined(separator: ", "))"
        }
        // A plan holds one user's calls at a time on each core (16 bytes a call).
        let calls = usage.expectedCalls(days: spec.days)
        if calls > 4_000_000 {
            return "this study plans about \(calls) calls per user (\(calls / 65_536) MiB a core); lower --days, --sessions or --session-length, or raise --call-every"
        }
        return nil
    }
}
