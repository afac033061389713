import Foundation
import Testing
import TokenLabCore
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
}
