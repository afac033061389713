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
        let file = try TraceFile.parse(bytes, name: name, skimsEvents: true, visit: { _, _ in })
        let session = try Session(seed: file.seed, preset: file.preset)
        session.takesCheckpoints = false
        var output: [String] = []
        // Each new line is compared with the file's as soon as it exists:
        // a million-event trace is never held twice.
        var comparison = LineComparison(recorded: bytes)
        comparison.compare(session.recorder.takeLines())
        // Inputs and notes in file order, so the notes land where they were.
        for step in file.steps {
            let result = session.execute(step.commandLine, lineNumber: step.sourceLine)
            comparison.compare(session.recorder.takeLines())
            guard narrates else { continue }
            if !step.isNote { output.append("> " + step.text) }
            output += result.error.map { ["error: \($0.message)"] } ?? result.output
        }
        comparison.compare(TraceRecorder.outcomeLines(session.world.attackOutcomes()))
        if comparison.difference == nil {
            // Every byte before the digest is the file's, whose SHA-256 the
            // parse checked: the replay's digest carries the same hash.
            comparison.compare([session.recorder.digestLine(sha256: comparison.recordedDigest)])
        }
        comparison.finish()
        return TraceReplay(output: output, inputs: file.inputs.count, events: session.world.events.count, difference: comparison.difference)
    }
}

/// Walks the recorded file line by line beside the replay's lines and keeps
/// the first difference.
struct LineComparison {
    let recorded: [UInt8]
    /// Where the next recorded line starts.
    private var offset = 0
    private var line = 0
    private(set) var difference: TraceReplay.Difference?

    init(recorded: [UInt8]) { self.recorded = recorded }

    /// The next recorded line's bytes, or nil at the end of the file.
    private mutating func nextRecorded() -> ArraySlice<UInt8>? {
        guard offset < recorded.count else { return nil }
        let end = recorded[offset...].firstIndex(of: 0x0A) ?? recorded.count
        defer { offset = end + 1 }
        return recorded[offset..<end]
    }

    mutating func compare(_ lines: [String]) {
        for var text in lines {
            guard difference == nil else { return }
            line += 1
            guard let old = nextRecorded() else {
                difference = .init(line: line, expected: "(end of file)", actual: text)
                return
            }
            let same = text.withUTF8 { new in old.withUnsafeBufferPointer { LineComparison.same(new, $0) } }
            if !same { difference = .init(line: line, expected: String(decoding: old, as: UTF8.self), actual: text) }
        }
    }

    /// Byte equality eight bytes at a time: most of a verify is this.
    static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let left = a.baseAddress, let right = b.baseAddress else { return true }
        let (x, y) = (UnsafeRawPointer(left), UnsafeRawPointer(right))
        var index = 0
        while index + 8 <= a.count {
            if x.loadUnaligned(fromByteOffset: index, as: UInt64.self) != y.loadUnaligned(fromByteOffset: index, as: UInt64.self) { return false }
            index += 8
        }
        while index < a.count {
            if a[index] != b[index] { return false }
            index += 1
        }
        return true
    }

    /// A file with lines the replay did not make differs at the first of them.
    mutating func finish() {
        guard difference == nil, let old = nextRecorded() else { return }
        difference = .init(line: line + 1, expected: String(decoding: old, as: UTF8.self), actual: "(end of replay)")
    }

    /// The hex SHA-256 the file's digest line carries (checked by the parse).
    var recordedDigest: String {
        guard let start = recorded.dropLast().lastIndex(of: 0x0A),
              let record = try? JSONValue.parse(String(decoding: recorded[(start + 1)...].dropLast(), as: UTF8.self)) else { return "" }
        return record["sha256"]?.stringValue ?? ""
    }
}
