import TokenLabCore

/// One user's days, drawn before any policy runs: every policy then sees the
/// same user making the same calls at the same moments, with the same luck
/// at each refresh (common random numbers), so the columns differ only by
/// what the policy does.
struct UserPlan {
    struct Call {
        var at: VirtualTime
        /// The first call of a session: the app's page was (re)opened.
        var opensSession: Bool
        /// A draw in 0..<1,000,000 that decides, if this call needs a refresh,
        /// whether a second tab races it or its response is lost.
        var luck: Int32
    }

    /// An attacker's line and when it runs.
    struct AttackStep {
        var at: VirtualTime
        var line: String
        /// Index into `StudySpec.incidents`.
        var incident: Int
    }

    var calls: [Call] = []
    var attack: [AttackStep] = []
    /// When each incident of this user began, by index into `StudySpec.incidents`.
    var incidentStarts: [(incident: Int, at: VirtualTime)] = []

    static let victim = "alice"

    init(user: Int, spec: StudySpec) {
        let usage = spec.usage
        var random = RandomStream(seed: spec.seed, name: "study.user.\(user)")
        var earliest: Int64 = 0
        for day in 0..<Int64(spec.days) {
            let dayStart = Duration.days(day).milliseconds
            var start = max(earliest, dayStart + usage.activeFrom.milliseconds + random.exponential(mean: usage.meanGap))
            while start < dayStart + usage.activeUntil.milliseconds {
                let end = start + random.exponential(mean: usage.sessionLength)
                var at = start
                var first = true
                repeat {
                    calls.append(Call(at: VirtualTime(milliseconds: at), opensSession: first, luck: Int32(random.next(below: 1_000_000))))
                    first = false
                    // At least a second apart: a person clicks, the app answers.
                    at += max(1000, random.exponential(mean: usage.callInterval))
                } while at < end
                earliest = at
                start = at + random.exponential(mean: usage.meanGap)
            }
        }
        guard !calls.isEmpty, !spec.incidents.isEmpty else { return }
        var incidents = RandomStream(seed: spec.seed, name: "study.incidents.\(user)")
        for (number, incident) in spec.incidents.enumerated() {
            let draw = Int(incidents.next(below: 1_000_000))
            let after = Int(incidents.next(below: UInt64(calls.count)))
            guard incident.chance.includes(draw), let scenario = AttackScenario.named(incident.attack) else { continue }
            // A second after one of her calls, while the page is open.
            let begins = calls[after].at + .seconds(1)
            incidentStarts.append((number, begins))
            attack += scenario.opening.map { AttackStep(at: begins, line: UserPlan.fill($0), incident: number) }
            let attackerLines = scenario.round.filter { !AttackScenario.victimUses.contains($0) }
            for round in 0..<AttackScenario.rounds {
                let at = begins + .minutes(10 * Int64(round))
                attack += attackerLines.map { AttackStep(at: at, line: UserPlan.fill($0), incident: number) }
            }
        }
        // In time order; lines of one moment keep their order.
        attack = attack.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

    static func fill(_ line: String) -> String {
        line.split(separator: " ", omittingEmptySubsequences: false).map { word in
            word == "V" ? victim : word.hasPrefix("V.") ? victim + word.dropFirst() : String(word)
        }.joined(separator: " ")
    }
}

extension RandomStream {
    /// An exponentially distributed length with the given mean, in whole
    /// milliseconds: -mean·ln(u) for u uniform in (0, 1]. The logarithm is
    /// computed here with + - × ÷ only (IEEE 754 rounds those the same on
    /// every machine), so the draw does not depend on a platform's libm.
    mutating func exponential(mean: Duration) -> Int64 {
        let u = Double((next() >> 11) + 1) * 0x1p-53
        let draw = Double(mean.milliseconds) * -RandomStream.naturalLog(u)
        return Int64(draw.rounded())
    }

    /// ln(x) for x in (0, 1]: x = m·2^e with m in [1, 2), ln m = 2·atanh((m-1)/(m+1)).
    static func naturalLog(_ x: Double) -> Double {
        let e = Double(Int(x.exponent))
        let m = x.significand
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var term = s
        var sum = 0.0
        var k = 1.0
        for _ in 0..<20 {
            sum += term / k
            term *= s2
            k += 2
        }
        return e * 0.6931471805599453 + 2 * sum
    }
}
