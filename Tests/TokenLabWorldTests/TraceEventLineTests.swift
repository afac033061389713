import Foundation
import Testing
import TokenLabCore
import TokenLabTokens
@testable import TokenLabWorld

/// The recorder writes each event straight into text for speed; those bytes
/// must be exactly what the JSON tree writes, escapes and all.
@Suite struct TraceEventLineTests {
    @Test func theDirectWriterMatchesTheTreeForEveryEventOfTheBundledTraces() throws {
        var checked = 0
        for name in BundledTraceTests.names {
            let script = try String(contentsOf: BundledTraceTests.root.appendingPathComponent("Traces/\(name).tl"), encoding: .utf8)
            let session = try Session(seed: 1, preset: "baseline")
            for line in ScriptRunner.lines(of: script) { _ = session.execute(line) }
            for event in session.world.events {
                #expect(TraceRecorder.line(event) == TraceRecorder.json(event).text, "\(name): event \(event.sequence)")
                checked += 1
            }
        }
        #expect(checked > 500)
    }

    @Test func oddCharactersAndEveryOptionalFieldAreWrittenAlike() {
        var event = TraceEvent(time: VirtualTime(milliseconds: 3_723_004), sequence: 7, kind: .security, from: "a\"b",
                               to: "c\\d", action: "tab\there\nnew \u{1}line", outcome: "é ✓", status: 401,
                               rule: "RFC 6750 §3", tokens: ["at1", "q\""])
        event.minted = [MintedToken(id: "at2", fingerprint: "ab\"c"), MintedToken(id: "rt2", fingerprint: "ff")]
        event.challenge = #"Bearer error="invalid_token""#
        #expect(TraceRecorder.line(event) == TraceRecorder.json(event).text)
        let bare = TraceEvent(time: VirtualTime(milliseconds: 0), sequence: 1, kind: .client, from: "alice", to: nil,
                              action: "x", outcome: "", status: nil, rule: nil, tokens: [])
        #expect(TraceRecorder.line(bare) == TraceRecorder.json(bare).text)
    }

    @Test func inputRecordsAreWrittenAsTheTreeWritesThem() {
        var recorder = TraceRecorder(world: World(seed: 1), tool: "t")
        let odd = "call \"alice\" GET /\\x\té ✓ \u{1}"
        recorder.record(line: 7, text: odd, enteredAt: VirtualTime(milliseconds: 86_400_123), result: CommandResult(items: [.text("x")]))
        recorder.record(line: 12, text: "lgoin bob", enteredAt: .zero, result: CommandResult(error: CommandError("unknown \"lgoin\"\n")))
        let tree = [
            JSONValue.object([JSONMember("type", .string("input")), JSONMember("line", .int(7)), JSONMember("time", .int(86_400_123)),
                              JSONMember("text", .string(odd))]).text,
            JSONValue.object([JSONMember("type", .string("input")), JSONMember("line", .int(12)), JSONMember("time", .int(0)),
                              JSONMember("text", .string("lgoin bob")), JSONMember("error", .string("unknown \"lgoin\"\n"))]).text,
        ]
        #expect(Array(recorder.lines.dropFirst()) == tree)
    }

    @Test func clocksPastADayAndBeforeZeroAreWrittenAsClockTextIs() {
        for milliseconds: Int64 in [0, 7, 59_999, 3_600_000, 86_399_999, 86_400_000, 2 * 86_400_000 + 10_861_001, 1_000 * 86_400_000 + 5, -1, -90_061_001] {
            let event = TraceEvent(time: VirtualTime(milliseconds: milliseconds), sequence: 0, kind: .client, from: "a", to: nil,
                                   action: "x", outcome: "", status: nil, rule: nil, tokens: [])
            #expect(TraceRecorder.line(event) == TraceRecorder.json(event).text, "at \(milliseconds) ms")
        }
    }

    /// A verify compares bytes in bulk; a one-byte edit of one event must
    /// still be found at exactly that event's line, with both lines shown.
    @Test func aOneByteEditOfAnEventIsReportedAtItsLine() throws {
        let url = BundledTraceTests.root.appendingPathComponent("Traces/stolen-refresh.jsonl")
        let original = Array(try Data(contentsOf: url))
        var lines = original.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        let target = try #require(lines.indices.filter { lines[$0].starts(with: Array(#"{"type":"event""#.utf8)) }.dropFirst(5).first)
        let before = String(decoding: lines[target], as: UTF8.self)
        // The outcome's first character, a letter or a digit.
        let at = try #require(lines[target].firstRange(of: Array(#""outcome":""#.utf8))).upperBound
        lines[target][at] = lines[target][at] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
        let edited = resealed(Array(lines.joined(separator: [0x0A])))
        let replay = try TraceReplay.run(bytes: edited, name: "edited.jsonl", narrates: false)
        #expect(replay.difference == TraceReplay.Difference(line: target + 1, expected: String(decoding: lines[target], as: UTF8.self), actual: before))
    }
}
