import ArgumentParser
import Foundation
import TokenLabWorld

struct LessonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "Open the REPL straight into a lesson, or play it through with --auto.",
        discussion: "ID is the lesson's number in the course, its id, or its file name without .md (tokenlab lessons lists them). With --auto every step runs and every check is made; the exit status is 1 if any failed, each named as FILE:LINE: message."
    )

    @Argument(help: "The lesson: its number, id or file name.")
    var id: String

    @Flag(name: .long, help: "Play the whole lesson through, printing everything (for projecting, and for tests).")
    var auto = false

    @Option(name: .long, help: ArgumentHelp("Where the lessons are (default: TOKENLAB_LESSONS, else ./Lessons).", valueName: "dir"))
    var lessons: String?

    @Option(name: .long, help: "Fit every printed line to N columns (40-400).")
    var width: Int?

    func validate() throws {
        if let width, !Terminal.widths.contains(width) { throw ValidationError("--width takes 40...400, got \(width)") }
    }

    func run() throws {
        let directory = LessonLibrary.directory(lessons)
        if auto { return try play(directory: directory) }
        let session: Session
        do { session = try Session() } catch { throw Files.fail("tokenlab: \(error.message)") }
        let shell = Shell(session: session, lessonsDirectory: directory)
        guard shell.startLesson(id, source: nil) else { throw ExitCode.failure }
        if !Repl.serve(shell, banner: false) { throw ExitCode.failure }
    }

    private func play(directory: String) throws {
        let library: LessonLibrary
        library = try LessonLibrary.loadOrFail(directory)
        guard let lesson = library.find(id) else {
            let broken = library.problem(for: id)
            throw Files.fail(broken?.description ?? "tokenlab: " + library.unknown(id))
        }
        let runner: LessonRunner
        do { runner = try LessonRunner(lesson: lesson) } catch { throw Files.fail("tokenlab: \(error.message)") }
        let fit = width ?? Terminal.fitWidth
        runner.session.width = fit ?? 80
        runner.session.tableWidth = fit
        runner.autoplay { result in
            if let error = result.error {
                print("error: \(error.message)")
                return
            }
            for item in result.items {
                for piece in fit.map({ TextWrap.fitted(item.text, width: $0) }) ?? [item.text] { print(piece) }
            }
        }
        fflush(nil)
        for failure in runner.failures { Files.printError(failure.description) }
        if !runner.failures.isEmpty { throw ExitCode.failure }
    }
}

struct LessonsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lessons",
        abstract: "The course: list the lessons with your progress, or check lesson files.",
        subcommands: [LessonsList.self, LessonsCheck.self],
        defaultSubcommand: LessonsList.self
    )
}

struct LessonsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the lessons, with your progress.")

    @Option(name: .long, help: ArgumentHelp("Where the lessons are (default: TOKENLAB_LESSONS, else ./Lessons).", valueName: "dir"))
    var lessons: String?

    func run() throws {
        let library: LessonLibrary
        library = try LessonLibrary.loadOrFail(LessonLibrary.directory(lessons))
        for line in library.listing(progress: LessonProgress.load(), width: Terminal.fitWidth ?? 80) { print(line) }
        fflush(nil)
        for error in library.errors { Files.printError(error.description) }
        if !library.errors.isEmpty { throw ExitCode.failure }
    }
}

struct LessonsCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check lesson files: header fields, unique ids, every block parses, every exercise has a goal, hints and a solution; then play each through.",
        discussion: "Prints FILE:LINE: message for each problem (a malformed file, a check that does not hold, a solution that misses its goal) and exits 1; prints a one-line summary and exits 0 when all are sound."
    )

    @Argument(help: "The lesson directory (default: TOKENLAB_LESSONS, else ./Lessons).")
    var directory: String?

    func run() throws {
        let directory = LessonLibrary.directory(self.directory)
        let library: LessonLibrary
        library = try LessonLibrary.loadOrFail(directory)
        // Then each sound file is played through: every check must hold and every solution reach its goal.
        var problems = library.errors
        for lesson in library.lessons {
            guard let runner = try? LessonRunner(lesson: lesson) else { continue }
            runner.autoplay { _ in }
            problems += runner.failures
        }
        for problem in problems { Files.printError(problem.description) }
        guard problems.isEmpty else { throw ExitCode.failure }
        guard !library.lessons.isEmpty else { throw Files.fail("tokenlab: no lessons in \(directory)") }
        let steps = library.lessons.reduce(0) { $0 + $1.steps.count }
        let exercises = library.lessons.reduce(0) { $0 + $1.exerciseCount }
        print("\(directory): \(library.lessons.count) lessons, \(steps) steps, \(exercises) exercises: all sound, all play through")
    }
}
