import Foundation
import Testing
@testable import TokenLabWorld

/// A teacher's `#` lines travel with the trace: printed in place, recorded
/// as `note` records, and replayed byte for byte; the world never sees them.
@Suite struct NarrationTests {
    static let script = """
        # Alice logs in.
        login alice
          #   indented, with #hash; and spaces   
        call alice GET /orders # an ordinary comment, not narration
        #
        """

    @Test func narrationIsPrintedInPlaceAndRecordedAsNotes() throws {
        let run = try runScript(Self.script)
        #expect(run.output.first == "# Alice logs in.")
        #expect(run.output[1] == "> login alice")
        #expect(run.output.contains("#   indented, with #hash; and spaces"))
        #expect(run.output.last == "#", "an empty # line is an empty note")
        #expect(!run.output.contains { $0.hasPrefix("> #") }, "narration is not echoed as a command")
        let lines = run.trace.split(separator: "\n").map(String.init)
        #expect(lines[1] == #"{"type":"note","line":1,"time":0,"text":"Alice logs in."}"#)
        #expect(lines.contains(#"{"type":"note","line":3,"time":80,"text":"  indented, with #hash; and spaces"}"#))
        #expect(lines.contains { $0.hasPrefix(#"{"type":"input","line":4,"#) && $0.contains("an ordinary comment") })
    }

    @Test func narrationIsANoOpForTheWorld() throws {
        let plain = try runScript("login alice\ncall alice GET /orders\n")
        let narrated = try runScript(Self.script)
        let events = { (trace: String) in trace.split(separator: "\n").filter { $0.hasPrefix(#"{"type":"event""#) } }
        #expect(events(plain.trace) == events(narrated.trace))
    }

    @Test func aReplayReproducesTheNotesByteForByte() throws {
        let trace = try runScript(Self.script).trace
        let replay = try TraceReplay.run(trace, name: "narrated.jsonl")
        #expect(replay.difference == nil, "\(String(describing: replay.difference))")
        #expect(replay.output.first == "# Alice logs in." && replay.output.contains("> login alice"))
        // `load` runs the notes too, so a saved session keeps them.
        let session = try Session()
        #expect(session.load(text: trace, name: "narrated.jsonl").error == nil)
        #expect(session.trace == trace)
    }

    @Test func undoAndRewindKeepTheNotesBeforeThem() throws {
        let session = try Session()
        for line in ["# one", "login alice", "# two", "call alice GET /orders"] { #expect(session.execute(line).error == nil) }
        let full = session.trace
        #expect(session.execute("undo").error == nil)
        #expect(session.trace.contains(#""text":"two""#) && !session.trace.contains("GET /orders"))
        #expect(session.execute("call alice GET /orders").error == nil)
        #expect(session.trace == full)
    }

    @Test func anOlderTraceWithoutNotesStillReadsAndUnknownTypesAreStillRefused() throws {
        let trace = try runScript(Self.script).trace
        let withoutNotes = trace.split(separator: "\n").filter { !$0.hasPrefix(#"{"type":"note""#) }.joined(separator: "\n") + "\n"
        let old = try TraceReplay.run(bytes: resealed(Array(withoutNotes.utf8)), name: "old.jsonl")
        #expect(old.difference == nil && !old.output.contains { $0.hasPrefix("#") })
        let unknown = resealed(Array(trace.replacingOccurrences(of: #""type":"note""#, with: #""type":"aside""#).utf8))
        #expect(throws: CommandError("odd.jsonl:2: unknown record type 'aside'")) { try TraceReplay.run(bytes: unknown, name: "odd.jsonl") }
        let broken = resealed(Array(trace.replacingOccurrences(of: #""text":"Alice logs in.""#, with: #""text":7"#).utf8))
        #expect(throws: CommandError("bad.jsonl:2: a note record needs \"text\" (a string), \"time\" (milliseconds) and \"line\" (a number from 1)")) {
            try TraceReplay.run(bytes: broken, name: "bad.jsonl")
        }
    }

    @Test func narrationTextRoundTripsThroughItsLine() {
        for line in ["#", "# a", "#a", "#  two spaces", "#\ttab", "  ## heading  ", "# trailing   "] {
            let text = Narration.text(of: line)
            #expect(text != nil && Narration.text(of: Narration.line(text ?? "")) == text, "\(line)")
        }
        #expect(Narration.text(of: "login alice # no") == nil)
    }
}
