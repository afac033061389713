import TokenLabCore
import TokenLabTokens

/// Re-runs a trace's inputs in a fresh world with the trace's seed and
/// starting preset, and compares the new trace with the old one line by line.
public struct TraceReplay: Sendable {
    public struct Difference: Sendable, Equatable {
        public var line: Int
        public var expected: String
        public var actual: String
    }

    /// What the inputs printed, as `run` prints it.
    public var output: [String]
    public var inputs: Int
    public var events: Int
    /// The first line that differs, or nil when the replay is byte-identical.
    public var difference: Difference?

    public static func run(_ text: String, name: String) throws(CommandError) -> TraceReplay {
        try run(bytes: Array(text.utf8), name: name)
    }

    /// Checks the file (TraceFile), re-runs its inputs, and compares the new
    /// trace with the file byte for byte: "identical" means identical bytes,
    /// not text that merely reads the same. Without `narrates`, `output`
    /// stays empty (`--verify` and `--quiet` print none of it).
    public static func run(bytes: [UInt8], name: String, narrates: Bool = true) throws(CommandError) -> TraceReplay {
        let file = try TraceFile.parse(bytes, name: name)
        let session = try Session(seed: file.seed, preset: file.preset)
        session.takesCheckpoints = false
        var output: [String] = []
        // Inputs and notes in file order, so the notes land where they were.
        for step in file.steps {
            let result = session.execute(step.commandLine, lineNumber: step.sourceLine)
            guard narrates else { continue }
            if !step.isNote { output.append("> " + step.text) }
            output += result.error.map { ["error: \($0.message)"] } ?? result.output
        }
        let fresh = Array(session.trace.utf8)
        let difference = fresh == bytes ? nil : firstDifference(recorded: bytes, replayed: fresh)
        return TraceReplay(output: output, inputs: file.inputs.count, events: session.world.events.count, difference: difference)
    }

    /// The first line whose bytes differ (the line number is the file's).
    static func firstDifference(recorded: [UInt8], replayed: [UInt8]) -> Difference {
        let old = recorded.split(separator: 0x0A, omittingEmptySubsequences: false)
        let new = replayed.split(separator: 0x0A, omittingEmptySubsequences: false)
        var index = 0
        while index < old.count, index < new.count, old[index].elementsEqual(new[index]) { index += 1 }
        func text(_ lines: [ArraySlice<UInt8>], _ end: String) -> String {
            index < lines.count ? String(decoding: lines[index], as: UTF8.self) : end
        }
        return Difference(line: index + 1, expected: text(old, "(end of file)"), actual: text(new, "(end of replay)"))
    }
}
