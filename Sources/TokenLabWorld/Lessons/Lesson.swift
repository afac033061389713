/// A lesson: a Markdown file read by `LessonParser`. Prose in short pieces,
/// each followed by a block of ordinary commands or by an exercise.
public struct Lesson: Equatable, Sendable {
    public var id: String
    public var title: String
    public var level: String
    public var minutes: Int
    public var seed: UInt64
    public var preset: String
    /// The file it came from, for `FILE:LINE: message`.
    public var file: String
    public var steps: [LessonStep]

    public static let levels = ["beginner", "intermediate", "advanced"]

    /// Exercises, in order (a learner's progress counts them).
    public var exerciseCount: Int { steps.filter { $0.exercise != nil }.count }
}

/// One line of a lesson's command block, with its line in the file.
public struct LessonLine: Equatable, Sendable {
    public var text: String
    public var fileLine: Int
    /// An `expect` line: checked, not typed by the learner.
    public var isExpectation: Bool { text.split(separator: " ").first == "expect" }
    /// A `#` line: the teacher's narration.
    public var isNarration: Bool { text.drop(while: { $0 == " " }).hasPrefix("#") }
    /// What the learner types (or Enter runs).
    public var isTyped: Bool { !isExpectation && !isNarration && !text.allSatisfy { $0 == " " || $0 == "\t" } }
}

public struct LessonStep: Equatable, Sendable {
    /// Markdown prose shown when the step starts.
    public var prose: [String]
    /// The commands and checks of a plain step (empty for prose alone).
    public var lines: [LessonLine]
    public var exercise: Exercise?
    public var fileLine: Int
}

/// A goal, one to three hints, a solution and the checks that say whether
/// the goal is reached: on the learner's own world, or (for a defence) by
/// stories run under the learner's policy (`expect attack`, `expect usage`).
public struct Exercise: Equatable, Sendable {
    public var title: String
    public var goal: String
    public var hints: [String]
    public var solution: [LessonLine]
    public var checks: [LessonLine]
}

/// `Lessons/FILE.md:LINE: message`.
public struct LessonError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String
    public init(file: String, line: Int, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }
    public var description: String { "\(file):\(line): \(message)" }
}
