import Testing
import TokenLabCore
import TokenLabTokens
@testable import TokenLabWorld

/// A population study: small ones whose numbers can be reasoned about by
/// hand, and the promise that the numbers depend only on the spec.
@Suite struct StudyTests {
    func spec(users: Int = 30, days: Int = 2, policies: [String], incidents: [Incident] = [],
              twoTabs: Chance = .percent(0), lost: Chance = .percent(0), seed: UInt64 = 1) throws -> StudySpec {
        var spec = StudySpec()
        spec.users = users
        spec.days = days
        spec.seed = seed
        spec.incidents = incidents
        spec.usage.twoTabs = twoTabs
        spec.usage.lostResponse = lost
        spec.columns = try policies.map { text throws(CommandError) in try StudyPolicy(parsing: text) }
        return spec
    }

    @Test func theSameSpecGivesTheSameNumbersTwice() throws {
        let study = try spec(policies: ["rotation", "bcp"], incidents: [Incident(attack: "xss-once", chance: .percent(20))], twoTabs: .percent(5))
        let first = Study.run(study), second = Study.run(study)
        #expect(first == second, "seed \(study.seed)")
        #expect(StudyReport(spec: study, tallies: first).json == StudyReport(spec: study, tallies: second).json)
    }

    @Test func blocksAddedInAnyOrderGiveTheSameStudyAsOneCoreRunningThemInOrder() throws {
        // 600 users: three blocks, which two cores would finish in any order.
        let study = try spec(users: 600, days: 1, policies: ["rotation", "baseline"],
                             incidents: [Incident(attack: "xss-once", chance: .percent(2))], twoTabs: .percent(2))
        let inOrder = Study.run(study)
        var shuffled = study.columns.map { _ in StudyTally(days: study.days) }
        for block in [2, 0, 1] {
            for (c, tally) in Study.run(block: block, of: study).enumerated() { shuffled[c].add(tally) }
        }
        #expect(shuffled.map(\.normalized) == inOrder, "seed \(study.seed)")
        #expect(inOrder[0].users == 600)
    }

    @Test func anotherSeedIsAnotherPopulation() throws {
        let one = Study.run(try spec(policies: ["rotation", "baseline"], seed: 1))
        let two = Study.run(try spec(policies: ["rotation", "baseline"], seed: 2))
        #expect(one[0].calls != two[0].calls)
    }

    @Test func withoutIncidentsNothingIsStolenSoNothingIsExposed() throws {
        let tallies = Study.run(try spec(policies: ["insecure", "baseline"]))
        for tally in tallies {
            #expect(tally.thefts == 0 && tally.exposures.isEmpty && tally.detections.isEmpty)
            #expect(tally.calls > 0 && tally.callsSucceeded == tally.calls, "every honest call succeeds")
        }
    }

    @Test func racingTabsLogUsersOutUnderReuseDetectionWithoutGraceAndNotWithIt() throws {
        let study = try spec(policies: ["rotation", "rotation,refresh.grace=2s", "baseline"], twoTabs: .percent(30))
        let tallies = Study.run(study)
        let races = LogoutCause.twoTabs.rawValue
        #expect(tallies[0].falseLogouts[races] > 0, "RFC 9700 §4.14.2 has no grace: the second tab's refresh is reuse")
        #expect(tallies[1].falseLogouts[races] == 0, "a 2 s grace absorbs a race 20 ms wide")
        #expect(tallies[2].falseLogouts[races] == 0, "without rotation there is no reuse to detect")
        // The same users made the same calls; only the policy differs.
        #expect(tallies[0].refreshes > 0 && tallies[1].refreshes > 0)
    }

    @Test func aLostResponseIsForgivenOnlyWithinTheGrace() throws {
        let tallies = Study.run(try spec(policies: ["rotation", "rotation,refresh.grace=2s"], lost: .percent(30)))
        #expect(tallies[0].falseLogouts[LogoutCause.lostResponse.rawValue] > 0)
        #expect(tallies[1].falseLogouts[LogoutCause.lostResponse.rawValue] == 0)
    }

    @Test func anIdleLimitShorterThanTheNightLogsEveryoneOutEachMorning() throws {
        // Sessions start between 08:00 and 23:00: a 1 h idle limit cannot survive the night.
        let study = try spec(users: 20, days: 3, policies: ["rotation,refresh.idle=1h", "rotation"])
        let tallies = Study.run(study)
        #expect(tallies[0].falseLogouts[LogoutCause.idleExpiry.rawValue] >= 20 * 2, "at least every user, every morning after the first")
        #expect(tallies[1].falseLogouts.reduce(0, +) == 0, "30 days, no idle limit, 3 days of use: nobody is logged out")
    }

    @Test func anAbsoluteLifetimeEndsSessionsOnSchedule() throws {
        let tallies = Study.run(try spec(users: 10, days: 3, policies: ["rotation,refresh.ttl=1d", "rotation"]))
        #expect(tallies[0].falseLogouts[LogoutCause.absoluteExpiry.rawValue] >= 10, "a 1-day session ends at least once in 3 days")
        #expect(tallies[1].falseLogouts[LogoutCause.absoluteExpiry.rawValue] == 0)
    }

    @Test func rotationCatchesStolenRefreshTokensAndShortensTheirExposure() throws {
        let study = try spec(users: 20, days: 2, policies: ["baseline", "rotation"], incidents: [Incident(attack: "xss-once", chance: .percent(100))])
        let report = StudyReport(spec: study, tallies: Study.run(study))
        let (baseline, rotation) = (report.tallies[0], report.tallies[1])
        #expect(baseline.thefts == 20 && rotation.thefts == 20, "every user suffers the incident once")
        #expect(baseline.detections.isEmpty, "without rotation nothing is ever detected")
        #expect(!rotation.detections.isEmpty, "the victim's next refresh after mallory's is reuse")
        // Without rotation the stolen refresh token lives to its 30-day absolute expiry.
        #expect(StudyReport.percentile(baseline.exposures, 50) > Duration.days(20).milliseconds)
        #expect(StudyReport.percentile(rotation.exposures, 50) < StudyReport.percentile(baseline.exposures, 50))
        #expect(rotation.detectionLogouts > 0 && rotation.attackLineErrors == 0 && baseline.attackLineErrors == 0)
    }

    @Test func httpOnlyCookiesLeaveTheScriptNothingToSteal() throws {
        let study = try spec(users: 10, days: 1, policies: ["bcp", "baseline"], incidents: [Incident(attack: "xss-once", chance: .percent(100))])
        let tallies = Study.run(study)
        // Every user with a session that day (a quiet day has none, and no incident).
        #expect(tallies[0].thefts >= 8 && tallies[0].thefts == tallies[1].thefts)
        // The access token is in an HttpOnly cookie under bcp: never usable by mallory.
        #expect(tallies[0].exposures.allSatisfy { $0 == 0 })
        #expect(tallies[1].exposures.allSatisfy { $0 > 0 })
    }

    @Test func shorterAccessTokensCostMoreRefreshes() throws {
        let tallies = Study.run(try spec(policies: ["rotation,access.ttl=5m", "rotation", "rotation,access.ttl=1h"]))
        #expect(tallies[0].refreshes > tallies[1].refreshes && tallies[1].refreshes > tallies[2].refreshes)
        #expect(tallies[0].calls == tallies[1].calls && tallies[1].calls == tallies[2].calls, "the same users make the same calls")
    }

    @Test func introspectionIsCountedOnlyWhereTheApiAsks() throws {
        let tallies = Study.run(try spec(users: 10, days: 1, policies: ["introspection", "rotation"]))
        #expect(tallies[0].introspectionsByMinute.contains { $0 > 0 })
        #expect(tallies[1].introspectionsByMinute.allSatisfy { $0 == 0 })
    }

    @Test func theTextReportFits80ColumnsAndTheOtherFormatsCarryEveryFigure() throws {
        let study = try spec(policies: ["rotation,access.ttl=5m", "rotation,refresh.grace=2s", "introspection"],
                             incidents: [Incident(attack: "xss-once", chance: .percent(30))], twoTabs: .percent(5))
        let report = StudyReport(spec: study, tallies: Study.run(study))
        let text = report.text(width: 80)
        #expect(text.allSatisfy { $0.count <= 80 }, "\(text.filter { $0.count > 80 })")
        #expect(text.contains { $0.hasPrefix("A = rotation,access.ttl=5m") }, "long policy names go to a legend")
        #expect(text.contains { $0.hasPrefix("thefts by exposure window") })
        #expect(report.csv.count == report.rows.count + 1 && report.csv[0].hasPrefix("figure,"))
        #expect(report.markdown.contains { $0.hasPrefix("| figure | `rotation,access.ttl=5m`") })
        let json = try JSONValue.parse(report.json)
        #expect(json["policies"].map { if case .array(let a) = $0 { a.count } else { 0 } } == 3)
    }

    @Test func chancesAreReadExactlyOrRefused() {
        #expect(Chance(parsing: "0.5%")?.partsPerMillion == 5000)
        #expect(Chance(parsing: "2%")?.partsPerMillion == 20_000)
        #expect(Chance(parsing: "0.02")?.partsPerMillion == 20_000)
        #expect(Chance(parsing: "100%")?.partsPerMillion == 1_000_000)
        #expect(Chance(parsing: "0")?.partsPerMillion == 0)
        for bad in ["101%", "-1%", "1.5", "abc", "", "%", "0.00001%", "1e-3"] { #expect(Chance(parsing: bad) == nil, "\(bad)") }
        #expect(Chance(partsPerMillion: 1000).text == "0.1%" && Chance.percent(2).text == "2%")
    }

    @Test func exponentialDrawsHaveTheirMean() {
        var random = RandomStream(seed: 1, name: "test.exponential")
        let n = 20_000
        let total = (0..<n).reduce(Int64(0)) { sum, _ in sum + random.exponential(mean: .minutes(1)) }
        let mean = total / Int64(n)
        #expect(abs(mean - 60_000) < 1_500, "mean \(mean) ms")
        #expect(abs(RandomStream.naturalLog(0.5) + 0.6931471805599453) < 1e-15)
    }

    @Test func outOfRangeSpecsAreRefusedWithOneLineNamingTheFlag() throws {
        var study = try spec(policies: ["rotation", "bcp"])
        study.users = 0
        #expect(Study.problem(with: study) == "--users takes 1...10000000, got 0")
        study.users = 10
        study.days = 400
        #expect(Study.problem(with: study) == "--days takes 1...366, got 400")
        study.days = 7
        study.columns.removeLast()
        #expect(Study.problem(with: study)?.hasPrefix("--policy takes 2...6 columns") == true)
        study = try spec(policies: ["rotation", "bcp"], incidents: [Incident(attack: "race-two-tabs", chance: .percent(1))])
        #expect(Study.problem(with: study)?.hasPrefix("--incident race-two-tabs: not a catalog attack a study can place") == true)
        study = try spec(policies: ["rotation", "bcp"])
        study.usage.callInterval = .seconds(1)
        study.usage.sessionLength = .hours(24)
        study.usage.sessionsPerDay = 96
        study.days = 366
        #expect(Study.problem(with: study)?.hasPrefix("this study plans about") == true, "a study that would not fit says so before it starts")
        #expect(throws: CommandError.self) { try StudyPolicy(parsing: "nope") }
        #expect(throws: CommandError.self) { try StudyPolicy(parsing: "rotation,access.ttl=forever") }
    }
}
