import TokenLabCore
import TokenLabTokens

/// A trace file read back and checked: the bytes as written, the header's
/// seed and preset, and the input lines to re-run. `replay` and `load` both
/// read traces through here, so they refuse exactly the same files.
///
/// What is checked: every line is UTF-8 ending in LF (no CR), a JSON object
/// of a known record type; line 1 is the header of a version this tool
/// reads; the last line is the digest, and it is the SHA-256 of every byte
/// before it. The digest shows a trace is whole and unedited, not who wrote
/// it: anyone can compute it (README, "Traces").
public struct TraceFile: Sendable {
    public var bytes: [UInt8]
    public var seed: UInt64
    public var preset: String
    /// The `input` records that ran without error, with their record's line in the file.
    public var inputs: [(line: Int, text: String)]
    /// The script line each input came from, as the recorder wrote it.
    public var sourceLines: [Int?]
    /// What a replay re-runs, in file order: the inputs that ran without
    /// error and the narration (`note` records) between them.
    public var steps: [Step] = []

    /// One input or note of the trace.
    public struct Step: Sendable, Equatable {
        /// The record's line in the trace file.
        public var fileLine: Int
        /// The script line it came from, as the recorder wrote it.
        public var sourceLine: Int
        /// The input's text, or the note's narration (without `#`).
        public var text: String
        public var isNote: Bool

        /// The line to run again: a note is re-run as its `#` line, which
        /// records the same note.
        public var commandLine: String { isNote ? Narration.line(text) : text }
    }

    // `note` came after version 1 was fixed: a reader that knows it reads
    // both, and an older trace simply has none.
    static let recordTypes: Set<String> = ["header", "input", "note", "event", "outcome", "digest"]

    public static func parse(_ bytes: [UInt8], name: String) throws(CommandError) -> TraceFile {
        try parse(bytes, name: name, visit: { _, _ in })
    }

    /// The start of every event record as the recorder writes it.
    static let eventPrefix = Array(#"{"type":"event","seq":"#.utf8)

    /// As `parse`, handing each checked record to `visit` with its line:
    /// views read the records without a second JSON pass.
    ///
    /// With `skimsEvents`, a line that starts as the recorder starts an event
    /// and ends with `}` is counted, not parsed: a replay compares it byte for
    /// byte with the event it re-creates, which is a stricter check than any
    /// parse, and most of a long trace is events.
    static func parse(_ bytes: [UInt8], name: String, skimsEvents: Bool = false,
                      visit: (Int, JSONValue) -> Void) throws(CommandError) -> TraceFile {
        func fail(_ line: Int, _ message: String) -> CommandError { CommandError("\(name):\(line): \(message)") }
        guard !bytes.isEmpty else { throw fail(1, "empty file; expected a tokenlab trace header") }
        guard bytes.last == 0x0A else {
            throw fail(bytes.count { $0 == 0x0A } + 1, "the last line has no newline (a trace ends with one; truncated?)")
        }
        let lines = bytes.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false)
        var digestLine = 0, digestStart = 0, offset = 0
        var inputCount = 0, eventCount = 0
        var file = TraceFile(bytes: bytes, seed: 0, preset: "", inputs: [], sourceLines: [])
        for (index, line) in lines.enumerated() {
            let number = index + 1
            defer { offset += line.count + 1 }
            if digestLine != 0 { throw fail(number, "a record after the digest (the digest must be the last line)") }
            guard !line.isEmpty else { throw fail(number, "blank line (every line of a trace is one JSON record)") }
            if line.contains(0x0D) { throw fail(number, "carriage return in line (traces use LF line ends only)") }
            if skimsEvents, number > 1, line.last == UInt8(ascii: "}"), line.starts(with: eventPrefix) {
                eventCount += 1
                continue
            }
            guard let text = String(validating: line, as: UTF8.self) else { throw fail(number, "invalid UTF-8") }
            let record: JSONValue
            do { record = try JSONValue.parse(text) } catch { throw fail(number, "not JSON: \(error)") }
            guard case .object = record, let type = record["type"]?.stringValue else {
                throw fail(number, "expected a JSON object with a \"type\"")
            }
            guard recordTypes.contains(type) else { throw fail(number, "unknown record type '\(type)'") }
            defer { visit(number, record) }
            if number == 1 {
                guard type == "header" else { throw fail(1, "expected the trace header first, found a '\(type)' record") }
                (file.seed, file.preset) = try header(record, fail: { fail(1, $0) })
                continue
            }
            switch type {
            case "header":
                throw fail(number, "a second header")
            case "input":
                guard let text = record["text"]?.stringValue, let time = record["time"]?.intValue, time >= 0 else {
                    throw fail(number, "an input record needs \"text\" (a string) and \"time\" (milliseconds)")
                }
                guard let line = record["line"]?.intValue, line >= 1, line <= Int64(Int32.max) else {
                    throw fail(number, "an input record needs \"line\", a number from 1")
                }
                inputCount += 1
                if record["error"] == nil {
                    file.inputs.append((number, text))
                    file.sourceLines.append(Int(line))
                    file.steps.append(Step(fileLine: number, sourceLine: Int(line), text: text, isNote: false))
                }
            case "note":
                guard let text = record["text"]?.stringValue, let time = record["time"]?.intValue, time >= 0,
                      let line = record["line"]?.intValue, line >= 1, line <= Int64(Int32.max) else {
                    throw fail(number, "a note record needs \"text\" (a string), \"time\" (milliseconds) and \"line\" (a number from 1)")
                }
                guard !text.contains(where: \.isNewline) else { throw fail(number, "a note's text is one line") }
                file.steps.append(Step(fileLine: number, sourceLine: Int(line), text: text, isNote: true))
            case "event":
                guard record["seq"]?.intValue != nil, record["time"]?.intValue != nil,
                      record["kind"]?.stringValue != nil, record["action"]?.stringValue != nil else {
                    throw fail(number, "an event record needs \"seq\", \"time\", \"kind\" and \"action\"")
                }
                eventCount += 1
            case "digest":
                digestLine = number
                digestStart = offset
                guard let sha = record["sha256"]?.stringValue else { throw fail(number, "the digest record has no \"sha256\"") }
                let actual = hex(bytes.withUnsafeBytes { sha256(UnsafeRawBufferPointer(rebasing: $0[..<digestStart])) })
                guard sha == actual else {
                    throw fail(number, "the digest does not match the lines before it (edited or damaged after it was written)")
                }
                guard record["inputs"]?.intValue == Int64(inputCount), record["events"]?.intValue == Int64(eventCount) else {
                    throw fail(number, "the digest counts \(record["inputs"]?.text ?? "?") inputs and \(record["events"]?.text ?? "?") events; the file has \(inputCount) and \(eventCount)")
                }
            default:
                break
            }
        }
        guard digestLine != 0 else {
            throw fail(lines.count, "no digest line at the end (a trace ends with its digest; truncated?)")
        }
        return file
    }

    private static func header(_ record: JSONValue, fail: (String) -> CommandError) throws(CommandError) -> (UInt64, String) {
        guard record["format"]?.stringValue == TraceRecorder.formatName else {
            throw fail("not a tokenlab trace (expected format \(TraceRecorder.formatName))")
        }
        guard let version = record["version"]?.intValue else { throw fail("the header has no version number") }
        guard version <= Int64(TraceRecorder.formatVersion) else {
            throw fail("trace version \(version) is newer than this tokenlab reads (\(TraceRecorder.formatVersion)); use a newer tokenlab")
        }
        guard version >= 1 else { throw fail("trace version \(version) does not exist (versions start at 1)") }
        guard case .number(let seedText)? = record["seed"], let seed = UInt64(seedText) else {
            throw fail("the header's seed is not a number from 0 to \(UInt64.max)")
        }
        guard let preset = record["preset"]?.stringValue, Policy.preset(named: preset) != nil else {
            throw fail("the header's preset is not one of \(Policy.presetNames.joined(separator: ", "))")
        }
        return (seed, preset)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
