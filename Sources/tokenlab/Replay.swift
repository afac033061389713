import ArgumentParser
import TokenLabWorld

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-run a trace's inputs with its seed and preset, narrate them, and check the new trace is byte-identical.",
        discussion: "Exit status 0 when identical; 1 with the first differing line otherwise."
    )

    @Argument(help: "A trace written by run --trace or save.", completion: .file(extensions: ["jsonl"]))
    var trace: String

    @Flag(name: .long, help: "Print only the verdict.")
    var quiet = false

    func run() throws {
        let bytes = try Files.readArgumentBytes(trace)
        let replay: TraceReplay
        do { replay = try TraceReplay.run(bytes: bytes, name: trace) } catch { throw Files.fail(error.message) }
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
}
