import ArgumentParser
import Foundation
import TokenLabWorld

struct Repl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "The interactive shell (the default): type commands, Tab completes, 'help' lists them.",
        discussion: "When standard input is not a terminal, lines are read one by one with no prompt; the exit status is 1 if any line failed."
    )

    @Option(name: .long, help: "The seed of every random choice in the world.")
    var seed: UInt64 = 1

    @Option(name: .long, help: ArgumentHelp("The starting policy preset: \(Policy.presetNames.joined(separator: ", ")).", valueName: "preset"))
    var policy: String = "baseline"

    @Option(name: .long, help: ArgumentHelp("Where the lessons are (default: TOKENLAB_LESSONS, else ./Lessons).", valueName: "dir"))
    var lessons: String?

    func run() throws {
        let session: Session
        do { session = try Session(seed: seed, preset: policy) } catch { throw Files.fail("tokenlab: \(error.message)") }
        let shell = Shell(session: session, lessonsDirectory: LessonLibrary.directory(lessons))
        if !Repl.serve(shell) { throw ExitCode.failure }
    }

    /// Reads lines until the end (a terminal: with readline and a prompt).
    /// False if input was piped and a line failed.
    static func serve(_ shell: Shell, banner: Bool = true) -> Bool {
        guard Terminal.inputIsTerminal else { return piped(shell) }
        if banner {
            print("tokenlab \(toolVersion)  seed \(shell.session.seed)  policy \(shell.session.startingPreset)  ('help' lists commands, 'lessons' the course, Tab completes, Ctrl-D quits)")
        }
        let editor = LineEditor(shell: shell, historyPath: Terminal.historyPath)
        shell.session.shouldInterrupt = { interruptRequested.load(ordering: .relaxed) }
        while let line = editor.readLine(prompt: shell.prompt) {
            // While stepping through a trace, Enter on an empty line is `step`.
            let typed = shell.session.steppingPosition != nil && line.allSatisfy({ $0 == " " || $0 == "\t" }) ? "step" : line
            if !shell.handle(typed, source: nil) { break }
        }
        print("")
        return true
    }

    /// Reads standard input line by line (no readline: it would echo, and
    /// would take a Tab for completion). False if any line failed.
    private static func piped(_ shell: Shell) -> Bool {
        var number = 0
        while let line = readLine(strippingNewline: true) {
            number += 1
            if !shell.handle(line, source: "<stdin>:\(number)") { break }
        }
        return shell.failures == 0
    }
}
