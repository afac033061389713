import Foundation
import Testing
@testable import TokenLabWorld

/// Each kind of `expect` holds when the world agrees and, when it does not,
/// says what the world shows.
@Suite struct ExpectationTests {
    func session(_ lines: [String], preset: String = "rotation") throws -> Session {
        let session = try Session(seed: 1, preset: preset)
        for line in lines {
            let result = session.execute(line)
            #expect(result.error == nil, "\(line): \(result.error?.message ?? "")")
        }
        return session
    }

    func failure(_ session: Session, _ line: String) -> String? { session.execute(line).error?.message }

    @Test func theLastResponseItsStatusAndCode() throws {
        let s = try session(["login alice", "advance until alice.access expires", "refresh alice", "refresh alice rt1"])
        #expect(failure(s, "expect last 400 invalid_grant") == nil)
        #expect(failure(s, "expect last alice 400") == nil)
        #expect(failure(s, "expect last 200")?.hasPrefix("expect last 200: the world shows POST /token refresh_token rt1: 400 invalid_grant") == true)
        #expect(failure(s, "expect last mallory 200") == "expect last mallory 200: the world shows no response to mallory yet")
    }

    @Test func tokenStatesFamiliesAndTime() throws {
        let s = try session(["login alice", "advance until alice.access expires", "refresh alice", "refresh alice rt1"])
        #expect(failure(s, "expect rt1 revoked") == nil)
        #expect(failure(s, "expect at1 expired") == nil)
        #expect(failure(s, "expect at1 refused") == nil, "expired is one way of being refused")
        #expect(failure(s, "expect at2 refused") == "expect at2 refused: the world shows at2 is valid (family revoked)" || failure(s, "expect at2 refused") == nil)
        #expect(failure(s, "expect rt2 refused") == "expect rt2 refused: the world shows rt2 is revoked", "refused names access tokens and forgeries")
        #expect(failure(s, "expect fam1 revoked") == nil)
        #expect(failure(s, "expect rt2 valid") == "expect rt2 valid: the world shows rt2 is revoked")
        #expect(failure(s, "expect fam1 active")?.hasPrefix("expect fam1 active: the world shows fam1 revoked at 00:15:00") == true)
        #expect(failure(s, "expect rt9 valid") == "expect rt9 valid: no token 'rt9' in this world (tokens lists them)")
        #expect(failure(s, "expect time 00:15:00.200") == nil || failure(s, "expect time 00:15:00.200")?.contains("the time is") == true)
        #expect(failure(s, "expect time 30d 00:00:00")?.hasPrefix("expect time 30d 00:00:00: the world shows the time is 00:15:00") == true)
        #expect(failure(s, "expect time 01:00:00")?.hasPrefix("expect time 01:00:00: the world shows the time is 00:15:00") == true)
    }

    @Test func whoHoldsWhat() throws {
        let s = try session(["login alice", "steal refresh from alice via xss"], preset: "baseline")
        #expect(failure(s, "expect mallory holds rt1") == nil)
        #expect(failure(s, "expect mallory lacks at1") == nil)
        #expect(failure(s, "expect bob holds nothing") == nil)
        #expect(failure(s, "expect mallory holds nothing") == "expect mallory holds nothing: the world shows mallory holds rt1")
    }

    @Test func whatTheReportConcluded() throws {
        let s = try session(["login alice", "steal refresh from alice via xss", "advance 20m", "refresh alice", "as mallory refresh"])
        #expect(failure(s, "expect report 1 stopped") == nil)
        #expect(failure(s, "expect report 1 stopped-by rotation") == nil)
        #expect(failure(s, "expect report 1 unused") == nil)
        #expect(failure(s, "expect report 2 used") == "expect report 2 used: the world shows the report has 1 entry")
        #expect(failure(s, "expect report rt1 stopped-by rotation") == nil)
        #expect(failure(s, "expect report at1 used") == "expect report at1 used: the world shows no report entry starts with at1")
        #expect(failure(s, "expect report 1 role admin") == "expect report 1 role admin: the world shows report 1: highest role none")
    }

    @Test func whatTheLastCommandPrinted() throws {
        let s = try session(["login alice", "advance until alice.access expires", "refresh alice", "refresh alice rt1"])
        #expect(failure(s, "expect output reuse detected") == nil)
        // A check prints, but what it printed is not what the next check reads.
        #expect(failure(s, "expect output reuse detected") == nil)
        _ = s.execute("tokens")
        #expect(failure(s, "expect output reuse detected")?.hasPrefix("expect output reuse detected: the world shows the last command printed:") == true)
    }

    @Test func defenceStoriesRunUnderThePolicyInForceNow() throws {
        let s = try session([], preset: "baseline")
        // Without rotation a stolen refresh token lives as long as its family.
        #expect(failure(s, "expect attack xss-once window-at-most 1h")?.contains("xss-once under this policy") == true)
        _ = s.execute("set preset bcp")
        #expect(failure(s, "expect attack forge-alg-none gets-nothing") == nil)
        // bcp's families live 8 hours: a whole working day of use ends in a new login.
        #expect(failure(s, "expect usage alice every 10m for 7h") == nil)
        #expect(failure(s, "expect usage alice every 10m for 8h")?.contains("(absolute lifetime)") == true)
        _ = s.execute("set refresh.idle 5m")
        #expect(failure(s, "expect usage alice every 10m for 7h")?.contains("alice was logged out") == true)
    }

    @Test func aMalformedExpectationSaysHowToWriteIt() {
        for line in ["expect", "expect last two hundred", "expect time noon", "expect report 0 used", "expect attack no-such stopped",
                     "expect usage alice every 10m", "expect rt1 purple"] {
            #expect(throws: CommandError.self, "\(line)") { _ = try CommandParser.parse(line) }
        }
        #expect(throws: CommandError("expect: 'time' takes a clock time like 00:15:00 or 7d 00:00:00; usage: \(Expectation.usage)")) {
            _ = try CommandParser.parse("expect time noon")
        }
    }
}

/// Every lesson of the course plays through: every check holds, every
/// exercise's solution reaches its goal. A failure names file and line.
@Suite struct CourseTests {
    static var lessonFiles: [String] {
        let directory = BundledTraceTests.root.appendingPathComponent("Lessons").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted().map { "Lessons/" + $0 }
    }

    @Test func theCourseHasFourteenLessonsOrMore() {
        #expect(Self.lessonFiles.count >= 14, "Lessons/ holds \(Self.lessonFiles.count) lessons")
    }

    @Test(arguments: lessonFiles) func everyLessonPlaysThrough(file: String) throws {
        let text = try String(contentsOf: BundledTraceTests.root.appendingPathComponent(file), encoding: .utf8)
        let lesson: Lesson
        do { lesson = try LessonParser.parse(text, file: file) } catch {
            Issue.record("\(error)")
            return
        }
        let runner = try LessonRunner(lesson: lesson)
        var first: [String] = []
        runner.autoplay { first += $0.error.map { ["error: \($0.message)"] } ?? $0.output }
        for failure in runner.failures { Issue.record("\(failure)") }
        #expect(runner.isFinished)
        // The same lesson, played again, prints the same lines.
        let again = try LessonRunner(lesson: lesson)
        var second: [String] = []
        again.autoplay { second += $0.error.map { ["error: \($0.message)"] } ?? $0.output }
        #expect(first == second, "\(file) played twice printed different lines")
    }
}

/// A token mallory chooses is the one presented: a refusal is hers to see,
/// not papered over by her client refreshing and retrying with another.
@Suite struct ChosenTokenTests {
    @Test func aRefusedChosenTokenIsNotRetriedWithHerOwn() throws {
        let s = try Session(seed: 1, preset: "baseline")
        for line in ["signup mallory", "login mallory", "forge edit mallory role=admin scope+=admin", "as mallory call GET /admin with ft1"] {
            #expect(s.execute(line).error == nil, "\(line)")
        }
        #expect(s.execute("expect last mallory 401 invalid_token").error == nil)
        #expect(!s.world.events.contains { $0.action.hasPrefix("POST /token refresh_token") }, "no refresh after the refusal")
    }
}
