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
    /// parse, and most of a long trace is events. An input record in the
    /// recorder's plain form (no escapes, no error) is read without the
    /// JSON parser, which would give the same values (`plainInput`).
    static func parse(_ bytes: [UInt8], name: String, skimsEvents: Bool = false,
                      visit: (Int, JSONValue) -> Void) throws(CommandError) -> TraceFile {
        func fail(_ line: Int, _ message: String) -> CommandError { CommandError("\(name):\(line): \(message)") }
        guard !bytes.isEmpty else { throw fail(1, "empty file; expected a tokenlab trace header") }
        guard bytes.last == 0x0A else {
            throw fail(bytes.count { $0 == 0x0A } + 1, "the last line has no newline (a trace ends with one; truncated?)")
        }
        let lines = lineRanges(bytes)
        var digestLine = 0, digestStart = 0, offset = 0
        var inputCount = 0, eventCount = 0
        var file = TraceFile(bytes: bytes, seed: 0, preset: "", inputs: [], sourceLines: [])
        for (index, range) in lines.enumerated() {
            let number = index + 1
            let line = bytes[range.start..<range.end]
            defer { offset += line.count + 1 }
            if digestLine != 0 { throw fail(number, "a record after the digest (the digest must be the last line)") }
            guard !line.isEmpty else { throw fail(number, "blank line (every line of a trace is one JSON record)") }
            if range.hasCarriageReturn { throw fail(number, "carriage return in line (traces use LF line ends only)") }
            if skimsEvents, number > 1, line.last == UInt8(ascii: "}"), line.starts(with: eventPrefix) {
                eventCount += 1
                continue
            }
            if skimsEvents, number > 1, let input = plainInput(line) {
                inputCount += 1
                file.inputs.append((number, input.text))
                file.sourceLines.append(input.line)
                file.steps.append(Step(fileLine: number, sourceLine: input.line, text: input.text, isNote: false))
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

    /// Each line's bytes (without its LF) and whether it holds a carriage
    /// return, found in one pass eight bytes at a time. The final LF ends
    /// the last line; the parse has checked it is there.
    static func lineRanges(_ bytes: [UInt8]) -> [(start: Int, end: Int, hasCarriageReturn: Bool)] {
        var ranges: [(start: Int, end: Int, hasCarriageReturn: Bool)] = []
        ranges.reserveCapacity(bytes.count / 128)
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let raw = UnsafeRawPointer(base)
            let limit = buffer.count - 1
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            func hasZeroByte(_ word: UInt64) -> Bool { (word &- ones) & ~word & highs != 0 }
            var start = 0, index = 0, carriageReturn = false
            while true {
                // Skip whole words with neither LF nor CR in them.
                while index + 8 <= limit {
                    let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    if hasZeroByte(word ^ (ones &* 0x0A)) || hasZeroByte(word ^ (ones &* 0x0D)) { break }
                    index += 8
                }
                let stop = min(index + 8, limit)
                while index < stop && base[index] != 0x0A {
                    if base[index] == 0x0D { carriageReturn = true }
                    index += 1
                }
                guard index == limit || base[index] == 0x0A else { continue }
                ranges.append((start, index, carriageReturn))
                if index == limit { return }
                index += 1
                start = index
                carriageReturn = false
            }
        }
        return ranges
    }

    /// An input record exactly as the recorder writes one without an error
    /// and without escapes: `{"type":"input","line":N,"time":T,"text":"..."}`.
    /// Nil for anything else, which the JSON parser then reads (and refuses
    /// with its own message where it must).
    static func plainInput(_ line: ArraySlice<UInt8>) -> (line: Int, text: String)? {
        var rest = line[...]
        func take(_ literal: [UInt8]) -> Bool {
            guard rest.starts(with: literal) else { return false }
            rest = rest.dropFirst(literal.count)
            return true
        }
        // Digits as JSON writes a number from 0: no sign, no leading zero, short enough for Int64.
        func number() -> Int64? {
            let digits = rest.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            guard (1...18).contains(digits.count), digits.count == 1 || digits.first != UInt8(ascii: "0") else { return nil }
            rest = rest.dropFirst(digits.count)
            return digits.reduce(0) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
        }
        guard take(inputPrefix), let line = number(), line >= 1, line <= Int64(Int32.max),
              take(inputTime), number() != nil, take(inputText) else { return nil }
        guard rest.count >= 2, rest.last == UInt8(ascii: "}"), rest[rest.endIndex - 2] == UInt8(ascii: "\"") else { return nil }
        let text = rest.dropLast(2)
        guard !text.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }),
              let string = String(validating: text, as: UTF8.self) else { return nil }
        return (Int(line), string)
    }

    static let inputPrefix = Array(#"{"type":"input","line":"#.utf8)
    static let inputTime = Array(#","time":"#.utf8)
    static let inputText = Array(#","text":""#.utf8)

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
