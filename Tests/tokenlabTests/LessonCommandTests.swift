import Foundation
import Testing

/// The course from the command line: listing, checking, playing through,
/// and a lesson driven through piped input.
@Suite struct LessonCommandTests {
    let cli = CommandLineTests()
    static let lessons = BundledTraceTestsRoot.root.appendingPathComponent("Lessons")
    static var lessonText: String { (try? String(contentsOf: lessons.appendingPathComponent("01-access-and-refresh.md"), encoding: .utf8)) ?? "" }

    /// A copy of Lessons/ to break on purpose.
    func copyOfLessons() throws -> URL {
        let directory = try cli.temporaryDirectory()
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.lessons.path) where name.hasSuffix(".md") {
            try FileManager.default.copyItem(at: Self.lessons.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        return directory
    }

    @Test func lessonsCheckPassesOnTheCourseAndNamesTheLineOfABrokenCopy() throws {
        let good = try cli.tokenlab(["lessons", "check", Self.lessons.path])
        #expect(good.status == 0 && good.stderr.isEmpty, "\(good.stderr)")
        #expect(good.stdout.contains("lessons,") && good.stdout.hasSuffix("all sound, all play through\n"))

        let copy = try copyOfLessons()
        defer { try? FileManager.default.removeItem(at: copy) }
        let file = copy.appendingPathComponent("01-access-and-refresh.md")
        var text = try String(contentsOf: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "call alice GET /orders", with: "cal alice GET /orders")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("cal alice") }! + 1
        let bad = try cli.tokenlab(["lessons", "check", copy.path])
        #expect(bad.status == 1)
        #expect(bad.stderr == "\(file.path):\(line): unknown command 'cal'; did you mean 'call'? (help lists them)\n", "\(bad.stderr)")
        // The other lessons still load and list.
        let listing = try cli.tokenlab(["lessons", "--lessons", copy.path], environment: ["XDG_STATE_HOME": copy.path, "COLUMNS": "80"])
        #expect(listing.status == 1 && listing.stderr.hasPrefix("\(file.path):\(line): "))
        #expect(!listing.stdout.contains("access-and-refresh"))
        // Asking for the broken lesson by its number names its problem, not another lesson.
        let byNumber = try cli.tokenlab(["lesson", "1", "--auto", "--lessons", copy.path])
        #expect(byNumber.status == 1 && byNumber.stderr.hasPrefix("\(file.path):\(line): "), "\(byNumber.stderr)")

        // A file that parses but whose check does not hold is named by that check's line.
        try Self.lessonText.replacingOccurrences(of: "expect at1 expired", with: "expect at1 revoked")
            .write(to: file, atomically: true, encoding: .utf8)
        let wrong = try cli.tokenlab(["lessons", "check", copy.path])
        let checkLine = Self.lessonText.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "expect at1 expired" }! + 1
        #expect(wrong.status == 1 && wrong.stderr.hasPrefix("\(file.path):\(checkLine): expected at1 revoked; the world shows at1 is expired"),
                "\(wrong.stderr)")
    }

    @Test func aLessonPlaysThroughWithAuto() throws {
        let played = try cli.tokenlab(["lesson", "1", "--auto", "--lessons", Self.lessons.path, "--width", "80"])
        #expect(played.status == 0, "\(played.stderr)")
        #expect(played.stdout.hasPrefix("lesson access-and-refresh: "))
        #expect(played.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
        let unknown = try cli.tokenlab(["lesson", "no-such-lesson", "--auto", "--lessons", Self.lessons.path])
        #expect(unknown.status == 1 && unknown.stderr.hasPrefix("tokenlab: no lesson 'no-such-lesson' in "))
    }

    @Test func aLessonTakesPipedInputAndKeepsProgress() throws {
        let state = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        let environment = ["XDG_STATE_HOME": state.path, "TOKENLAB_LESSONS": Self.lessons.path]
        let run = try cli.tokenlab([], input: "lessons\nlesson 1\n\nhint\nlesson quit\nlessons\n", environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("> login alice"))
        #expect(run.stdout.contains("left lesson access-and-refresh at step 2"))
        let progress = try String(contentsOf: state.appendingPathComponent("tokenlab/lessons"), encoding: .utf8)
        #expect(progress.hasPrefix("access-and-refresh step 2/"))
        #expect(run.stdout.contains("step 2/"), "the second listing shows where the learner got to")
        // Lesson commands outside a lesson say so, and the session goes on.
        let outside = try cli.tokenlab([], input: "hint\nstatus\n", environment: environment)
        #expect(outside.status == 1 && outside.stderr.contains("no lesson is running") && outside.stdout.contains("time 00:00:00"))
    }
}

/// The package root, for tests that read the repository's own files.
enum BundledTraceTestsRoot {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
