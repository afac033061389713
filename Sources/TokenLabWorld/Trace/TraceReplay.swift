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
        let recorded = ScriptRunner.lines(of: text)
        guard let first = recorded.first, let header = try? JSONValue.parse(first),
              header["format"]?.stringValue == TraceRecorder.formatName else {
            throw CommandError("\(name):1: not a tokenlab trace (expected a header with format \(TraceRecorder.formatName))")
        }
        guard header["version"]?.intValue == Int64(TraceRecorder.formatVersion) else {
            throw CommandError("\(name):1: trace version \(header["version"]?.text ?? "?") is not \(TraceRecorder.formatVersion)")
        }
        guard case .number(let seedText)? = header["seed"], let seed = UInt64(seedText),
              let preset = header["preset"]?.stringValue else {
            throw CommandError("\(name):1: the header has no seed or preset")
        }
        let session = try Session(seed: seed, preset: preset)
        var output: [String] = []
        var inputs = 0
        for (offset, line) in recorded.enumerated().dropFirst() {
            guard let record = try? JSONValue.parse(line) else { throw CommandError("\(name):\(offset + 1): not a JSON object") }
            guard record["type"]?.stringValue == "input", let input = record["text"]?.stringValue else { continue }
            inputs += 1
            let number = record["line"]?.intValue.map(Int.init)
            let result = session.execute(input, lineNumber: number)
            output.append("> " + input)
            output += result.error.map { ["error: \($0.message)"] } ?? result.output
        }
        let fresh = ScriptRunner.lines(of: session.trace)
        var difference: Difference?
        for index in 0..<max(fresh.count, recorded.count) where difference == nil {
            let expected = index < recorded.count ? recorded[index] : "(end of file)"
            let actual = index < fresh.count ? fresh[index] : "(end of replay)"
            if expected != actual { difference = Difference(line: index + 1, expected: expected, actual: actual) }
        }
        return TraceReplay(output: output, inputs: inputs, events: session.world.events.count, difference: difference)
    }
}
