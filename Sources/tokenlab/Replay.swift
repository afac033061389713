import ArgumentParser
import TokenLabWorld

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-run a trace's inputs with its seed and preset, narrate them, and check the new trace is byte-identical.",
        discussion: """
            Exit status 0 when identical; 1 with the first differing line otherwise. \
            --verify prints nothing when identical and one FILE:LINE: message on stderr when not (for CI). \
            --step opens the REPL stepping through the trace: step (or Enter), back, goto N, goto HH:MM:SS, run.
            """
    )

    @Argument(help: "A trace written by run --trace or save.", completion: .file(extensions: ["jsonl"]))
    var trace: String

    @Flag(name: .long, help: "Print only the verdict.")
    var quiet = false

    @Flag(name: .long, help: "Only check: exit 0 if byte-identical, else 1 with one FILE:LINE: message on stderr; nothing else is printed.")
    var verify = false

    @Flag(name: .long, help: "Open the REPL stepping through the trace, nothing run yet.")
    var step = false

    func validate() throws {
        if verify && step { throw ValidationError("--verify and --step do not go together: one checks, the other opens the REPL") }
        if quiet && step { throw ValidationError("--quiet does not apply to --step") }
    }

    func run() throws {
        if verify { return try runVerify() }
        let bytes = try Files.readArgumentBytes(trace)
        if step {
            let session: Session
            do { session = try Session() } catch { throw Files.fail("tokenlab: \(error.message)") }
            let opening = session.startStepping(bytes: bytes, name: trace)
            if let error = opening.error { throw Files.fail(error.message) }
            // The opening lines stand in for the REPL's banner.
            let shell = Shell(session: session, lessonsDirectory: LessonLibrary.directory(nil))
            shell.show(opening, source: nil)
            if !Repl.serve(shell, banner: false) { throw ExitCode.failure }
            return
        }
        let replay: TraceReplay
        do { replay = try TraceReplay.run(bytes: bytes, name: trace, narrates: !quiet) } catch { throw Files.fail(error.message) }
        if !quiet { replay.output.forEach { print($0) } }
        guard let difference = replay.difference else {
            print("\(trace): replayed \(replay.inputs) inputs and \(replay.events) events: byte-identical")
            return
        }
        print("\(trace):\(difference.line): the replay differs")
        print("  recorded: \(difference.expected)")
        print("  replayed: \(difference.actual)")
        throw ExitCode.failure
    }

    /// Silent when the trace replays byte for byte; otherwise one line.
    private func runVerify() throws {
        let bytes: [UInt8]
        do { bytes = try Files.readBytes(trace) } catch { throw Files.fail("\(trace): cannot read: \(error.reason)") }
        let replay: TraceReplay
        do { replay = try TraceReplay.run(bytes: bytes, name: trace, narrates: false) } catch { throw Files.fail(error.message) }
        guard let difference = replay.difference else { return }
        throw Files.fail("\(trace):\(difference.line): the replay differs from the recorded trace here (tokenlab replay \(trace) shows both lines)")
    }
}
