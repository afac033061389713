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

    func run() throws {
        let session: Session
        do { session = try Session(seed: seed, preset: policy) } catch { throw Files.fail("tokenlab: \(error.message)") }
        session.colors = Terminal.wantsColor
        session.theme = Terminal.theme
        session.width = Terminal.width
        // Tables and lines fit the terminal (or COLUMNS); piped output without COLUMNS keeps its natural width.
        fitWidth = Terminal.fitWidth
        if let fitWidth { session.tableWidth = fitWidth }
        if Terminal.inputIsTerminal {
            interactive(session)
        } else if !piped(session) {
            throw ExitCode.failure
        }
    }

    private func interactive(_ session: Session) {
        print("tokenlab \(toolVersion)  seed \(session.seed)  policy \(session.startingPreset)  ('help' lists commands, Tab completes, Ctrl-D quits)")
        let editor = LineEditor(session: session, historyPath: Terminal.historyPath)
        session.shouldInterrupt = { interruptRequested.load(ordering: .relaxed) }
        while let line = editor.readLine(prompt: prompt(session)) {
            session.width = Terminal.width
            fitWidth = Terminal.fitWidth
            if let fitWidth { session.tableWidth = fitWidth }
            if !handle(line, in: session, source: nil) { break }
        }
        print("")
    }

    /// Reads standard input line by line (no readline: it would echo, and
    /// would take a Tab for completion). False if any line failed.
    private func piped(_ session: Session) -> Bool {
        var allGood = true
        var number = 0
        while let line = readLine(strippingNewline: true) {
            number += 1
            let before = failures
            if !handle(line, in: session, source: "<stdin>:\(number)") { break }
            if failures > before { allGood = false }
        }
        return allGood
    }

    private func prompt(_ session: Session) -> String {
        let seedPart = session.seed == 1 ? "" : "[seed \(session.seed)]"
        return "tokenlab\(seedPart) \(session.world.now.shortClockText)> "
    }

    /// Runs one line; false when the session should end.
    private func handle(_ line: String, in session: Session, source: String?) -> Bool {
        let result = session.execute(line)
        switch result.effect {
        case .quit?:
            show(result, session: session, source: source)
            return false
        case .write(let path, let text)?:
            // "saved ..." only once it is true.
            do {
                try Files.writeAtomically(text, to: path)
                show(result, session: session, source: source)
            } catch {
                report("cannot write \(path): \(error.reason)", source: source)
            }
        case .load(let path)?:
            show(result, session: session, source: source)
            let bytes: [UInt8]
            do { bytes = try Files.readBytes(path) } catch {
                report("cannot read \(path): \(error.reason)", source: source)
                return true
            }
            do {
                let text = try ScriptText.decode(bytes, name: path)
                show(session.load(text: text, name: path), session: session, source: source)
            } catch {
                report(error.message, source: source)
            }
        case nil:
            show(result, session: session, source: source)
        }
        return true
    }

    private func show(_ result: CommandResult, session: Session, source: String?) {
        if let error = result.error {
            report(error.message, source: source)
            return
        }
        for item in result.items {
            // A line that fits keeps its colours; a longer one is wrapped as
            // plain text (escape codes must never count as columns).
            guard let fitWidth, item.text.count > fitWidth else { print(EventStyle.line(for: item, colors: session.colors, theme: session.theme)); continue }
            for piece in TextWrap.fitted(item.text, width: fitWidth) {
                print(item.isNote ? EventStyle.narration(piece, colors: session.colors, theme: session.theme) : piece)
            }
        }
        if result.effect == nil { fflush(nil) }
    }

    private func report(_ message: String, source: String?) {
        failures += 1
        fflush(nil)
        Files.printError(source.map { "\($0): \(message)" } ?? "error: \(message)")
    }
}

/// The width output must fit, or nil to print lines whole (see Terminal.fitWidth).
nonisolated(unsafe) private var fitWidth: Int?

/// Lines that failed in this process (a ParsableCommand is a value; the count lives here).
nonisolated(unsafe) private var failures = 0
