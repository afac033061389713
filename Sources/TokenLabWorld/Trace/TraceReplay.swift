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
        session.drawsOutput = narrates
        session.parsedLines = [:]
        var output: [String] = []
        // Each new record is compared with the file's as soon as it exists,
        // as bytes: a million-event trace is never held twice, nor turned
        // into a million Strings.
        var comparison = LineComparison(recorded: bytes)
        session.recorder.startStreaming()
        func compareRecorded() {
            session.recorder.pending.bytes.withUnsafeBufferPointer { comparison.compare($0) }
            session.recorder.clearPending()
        }
        compareRecorded()
        // Inputs and notes in file order, so the notes land where they were.
        for step in file.steps {
            let result = session.execute(step.commandLine, lineNumber: step.sourceLine)
            compareRecorded()
            guard narrates else {
                // Only the first difference is reported: a check can stop there.
                if comparison.difference != nil { break }
                continue
            }
            if !step.isNote { output.append("> " + step.text) }
            output += result.error.map { ["error: \($0.message)"] } ?? result.output
        }
        comparison.compare(lines: TraceRecorder.outcomeLines(session.world.attackOutcomes()))
        if comparison.difference == nil {
            // Every byte before the digest is the file's, whose SHA-256 the
            // parse checked: the replay's digest carries the same hash.
            comparison.compare(lines: [session.recorder.digestLine(sha256: comparison.recordedDigest)])
        }
        comparison.finish()
        return TraceReplay(output: output, inputs: file.inputs.count, events: session.world.events.count, difference: comparison.difference)
    }
}

/// Walks the recorded file beside the replay's records and keeps the first
/// line that differs.
struct LineComparison {
    let recorded: [UInt8]
    /// How many bytes of the file the replay has matched: always a line start.
    private var offset = 0
    private(set) var difference: TraceReplay.Difference?

    init(recorded: [UInt8]) { self.recorded = recorded }

    /// Compares whole lines, each ending in LF, with the file's next bytes.
    mutating func compare(_ chunk: UnsafeBufferPointer<UInt8>) {
        guard difference == nil, !chunk.isEmpty else { return }
        let common = min(chunk.count, recorded.count - offset)
        let mismatch = recorded.withUnsafeBufferPointer { file in
            LineComparison.firstMismatch(chunk, UnsafeBufferPointer(rebasing: file[offset..<(offset + common)]))
        }
        if mismatch == nil && common == chunk.count {
            offset += common
            return
        }
        // The bytes before `at` are the same in both, LFs included, so the
        // line holding `at` has the same number and start in both.
        let at = mismatch ?? common
        let start = chunk[..<at].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let end = chunk[start...].firstIndex(of: 0x0A) ?? chunk.count
        let actual = String(decoding: UnsafeBufferPointer(rebasing: chunk[start..<end]), as: UTF8.self)
        difference = differenceAt(fileOffset: offset + start, actual: actual)
    }

    mutating func compare(lines: [String]) {
        var chunk: [UInt8] = []
        for line in lines {
            chunk += line.utf8
            chunk.append(0x0A)
        }
        chunk.withUnsafeBufferPointer { compare($0) }
    }

    /// The difference at the recorded line starting at `fileOffset` (or at the file's end).
    private func differenceAt(fileOffset: Int, actual: String) -> TraceReplay.Difference {
        let line = recorded[..<fileOffset].count(where: { $0 == 0x0A }) + 1
        guard fileOffset < recorded.count else { return .init(line: line, expected: "(end of file)", actual: actual) }
        let end = recorded[fileOffset...].firstIndex(of: 0x0A) ?? recorded.count
        return .init(line: line, expected: String(decoding: recorded[fileOffset..<end], as: UTF8.self), actual: actual)
    }

    /// Where `a` and `b` first differ (both as long as `a`), or nil: eight
    /// bytes at a time, since most of a verify is this.
    static func firstMismatch(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int? {
        precondition(a.count <= b.count)
        guard let left = a.baseAddress, let right = b.baseAddress else { return nil }
        let (x, y) = (UnsafeRawPointer(left), UnsafeRawPointer(right))
        var index = 0
        while index + 8 <= a.count,
              x.loadUnaligned(fromByteOffset: index, as: UInt64.self) == y.loadUnaligned(fromByteOffset: index, as: UInt64.self) {
            index += 8
        }
        while index < a.count {
            if a[index] != b[index] { return index }
            index += 1
        }
        return nil
    }

    /// A file with lines the replay did not make differs at the first of them.
    mutating func finish() {
        guard difference == nil, offset < recorded.count else { return }
        difference = differenceAt(fileOffset: offset, actual: "(end of replay)")
    }

    /// The hex SHA-256 the file's digest line carries (checked by the parse).
    var recordedDigest: String {
        guard let start = recorded.dropLast().lastIndex(of: 0x0A),
              let record = try? JSONValue.parse(String(decoding: recorded[(start + 1)...].dropLast(), as: UTF8.self)) else { return "" }
        return record["sha256"]?.stringValue ?? ""
    }
}
