import Foundation
import Testing
@testable import TokenLabWorld

/// Lesson files as a teacher writes them, and the runner as a learner meets it.
@Suite struct LessonTests {
    static let lesson = """
    ---
    id: demo
    title: A demo
    level: beginner
    minutes: 5
    seed: 1
    preset: rotation
    ---

    alice logs in.

    ```tokenlab
    login alice
    expect alice holds rt1
    ```

    ## Exercise: expire it

    **Goal:** let at1 expire.

    <details><summary>Hint</summary>

    advance moves time.

    </details>

    <details><summary>Solution</summary>

    ```tokenlab
    advance until alice.access expires
    ```

    </details>

    ```tokenlab check
    expect at1 expired
    ```

    ## The rule

    Access tokens expire. RFC 6749 §1.4.
    """

    func parse(_ text: String) throws(LessonError) -> Lesson { try LessonParser.parse(text, file: "Lessons/x.md") }

    func error(in text: String) -> LessonError? {
        do { _ = try parse(text); return nil } catch { return error }
    }

    /// The demo with one line replaced (1-based line number).
    func demo(replacing line: Int, with replacement: String) -> String {
        var lines = Self.lesson.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[line - 1] = replacement
        return lines.joined(separator: "\n")
    }

    @Test func aLessonReadsAsStepsAndAnExercise() throws {
        let lesson = try parse(Self.lesson)
        #expect(lesson.id == "demo" && lesson.preset == "rotation" && lesson.minutes == 5)
        #expect(lesson.steps.count == 3)
        #expect(lesson.steps[0].lines.map(\.text) == ["login alice", "expect alice holds rt1"])
        #expect(lesson.steps[0].lines[0].fileLine == 13)
        let exercise = try #require(lesson.steps[1].exercise)
        #expect(exercise.goal == "let at1 expire." && exercise.hints == ["advance moves time."])
        #expect(exercise.solution.map(\.text) == ["advance until alice.access expires"] && exercise.checks.map(\.text) == ["expect at1 expired"])
        #expect(lesson.steps[2].prose.contains("## The rule"))
    }

    @Test func aMalformedLessonNamesItsLine() {
        let cases: [(String, Int, String)] = [
            (demo(replacing: 4, with: "level: expert"), 4, "level is beginner, intermediate, advanced"),
            (demo(replacing: 2, with: "name: demo"), 2, "unknown header field 'name'"),
            (demo(replacing: 13, with: "logn alice"), 13, "unknown command 'logn'; did you mean 'login'?"),
            (demo(replacing: 14, with: "expect rt1 purple"), 14, "expect: cannot read 'rt1 purple'"),
            (demo(replacing: 14, with: "quit"), 14, "'quit' cannot be part of a lesson"),
            (demo(replacing: 37, with: "no fence closes this"), 35, "unterminated ``` block"),
            (demo(replacing: 36, with: "advance 1m"), 36, "a check block holds expect lines only"),
            (demo(replacing: 19, with: "Goal: let it expire."), 17, "needs a '**Goal:** …' paragraph"),
            (demo(replacing: 39, with: "## The end"), 41, "ends with a '## The rule' section"),
            (demo(replacing: 12, with: "```tokenlab please"), 12, "unknown block '```tokenlab please'"),
        ]
        for (text, line, message) in cases {
            let error = self.error(in: text)
            #expect(error?.line == line && error?.message.contains(message) == true, "expected line \(line): \(message); got \(String(describing: error))")
            #expect(error?.description.hasPrefix("Lessons/x.md:\(line): ") == true)
        }
    }

    @Test func anExerciseWithoutHintsOrWithFourIsRefused() {
        let noHint = Self.lesson.replacingOccurrences(of: "<details><summary>Hint</summary>\n\nadvance moves time.\n\n</details>\n", with: "")
        #expect(error(in: noHint)?.message == "an exercise has one to three hints; it has 0")
        let hint = "<details><summary>Hint</summary>\n\nadvance moves time.\n\n</details>\n"
        let four = Self.lesson.replacingOccurrences(of: hint, with: String(repeating: hint, count: 4))
        #expect(error(in: four)?.message == "an exercise has one to three hints; it has 4")
    }

    @Test func enterRunsTheNextCommandAndTheChecksAfterIt() throws {
        let runner = try LessonRunner(lesson: try parse(Self.lesson))
        _ = runner.start()
        #expect(runner.pendingCommand == "login alice" && runner.position == "demo 1/3")
        let results = runner.handle("")
        let printed = results.flatMap(\.output)
        #expect(printed.first == "> login alice")
        #expect(printed.contains("✓ alice holds rt1"))
        #expect(runner.position == "demo 2/3", "the block is done, so the lesson moves on to the exercise")
    }

    @Test func anotherCommandRunsButTheLessonWaits() throws {
        let runner = try LessonRunner(lesson: try parse(Self.lesson))
        _ = runner.start()
        let other = runner.handle("status")
        #expect(other.last?.output == ["(the lesson waits for: login alice; Enter runs it)"])
        let wrong = runner.handle("login malory")
        #expect(wrong.first?.error?.message.contains("unknown user 'malory'") == true)
        #expect(runner.position == "demo 1/3" && runner.pendingCommand == "login alice")
        // Typing the awaited command (spacing aside) counts as doing it.
        _ = runner.handle("login   alice")
        #expect(runner.position == "demo 2/3")
    }

    @Test func checkSaysWhichPartHoldsThenTheSolutionSolvesIt() throws {
        let runner = try LessonRunner(lesson: try parse(Self.lesson))
        _ = runner.start()
        _ = runner.handle("")
        let early = runner.handle("check").flatMap(\.output)
        #expect(early.contains("✗ expected at1 expired; the world shows at1 is valid"))
        #expect(early.last?.hasPrefix("not yet: 0 of 1 parts hold") == true)
        #expect(runner.handle("hint").flatMap(\.output) == ["hint 1 of 1: advance moves time."])
        #expect(runner.handle("hint").flatMap(\.output) == ["no more hints: solution shows the answer"])
        _ = runner.handle("solution")
        #expect(runner.pendingCommand == "advance until alice.access expires")
        let solved = runner.handle("").flatMap(\.output)
        #expect(solved.contains("solved: every part of the goal holds"))
        #expect(runner.solved == [1] && runner.isFinished)
    }

    @Test func backPutsTheWorldExactlyAsItWasAtTheStepsStart() throws {
        let runner = try LessonRunner(lesson: try parse(Self.lesson))
        _ = runner.start()
        _ = runner.handle("")
        let atExercise = runner.session.trace
        _ = runner.handle("advance 3m")
        _ = runner.handle("call alice GET /orders")
        #expect(runner.session.trace != atExercise)
        _ = runner.handle("back")
        #expect(runner.position == "demo 2/3" && runner.session.trace == atExercise)
        // At a step's start, back goes to the previous step: before the login.
        _ = runner.handle("back")
        #expect(runner.position == "demo 1/3" && runner.session.log.isEmpty && runner.pendingCommand == "login alice")
        #expect(runner.handle("back").flatMap(\.output) == ["already at the lesson's start"])
    }

    @Test func autoplayIsDeterministicAndReportsAFailedCheckByLine() throws {
        func play(_ text: String) throws -> (output: [String], failures: [LessonError]) {
            let runner = try LessonRunner(lesson: try parse(text))
            var output: [String] = []
            runner.autoplay { output += $0.error.map { ["error: \($0.message)"] } ?? $0.output }
            return (output, runner.failures)
        }
        let first = try play(Self.lesson), second = try play(Self.lesson)
        #expect(first.output == second.output && first.failures.isEmpty)
        #expect(first.output.last == "end of lesson demo: 1 of 1 exercises solved")

        let wrong = try play(demo(replacing: 14, with: "expect alice holds rt2"))
        #expect(wrong.failures.map(\.description) == ["Lessons/x.md:14: expect alice holds rt2: no token 'rt2' in this world (tokens lists them)"])
        // A block of checks alone is checked too, as the learner moves on.
        let checksAlone = try play(demo(replacing: 13, with: "expect bob holds at1"))
        #expect(checksAlone.failures.map(\.description) == [
            "Lessons/x.md:13: expect bob holds at1: no token 'at1' in this world (tokens lists them)",
            "Lessons/x.md:14: expect alice holds rt1: no token 'rt1' in this world (tokens lists them)",
            // Without the login, the exercise's solution fails too, and its check.
            "Lessons/x.md:30: alice holds no access token",
            "Lessons/x.md:36: expect: no token 'at1' in this world (tokens lists them)",
        ])
        // A solution line that fails is named, and the lesson goes on (it never loops).
        let failing = try play(demo(replacing: 30, with: "advance until bob.access expires"))
        #expect(failing.failures.first?.description.hasPrefix("Lessons/x.md:30: ") == true, "\(failing.failures)")
        #expect(failing.output.last == "end of lesson demo: 0 of 1 exercises solved")
        let unsolved = try play(demo(replacing: 30, with: "advance 1m"))
        #expect(unsolved.failures.map(\.description) == ["Lessons/x.md:36: expected at1 expired; the world shows at1 is valid"])
    }
}
