import Testing
import TokenLabCore
@testable import TokenLabWorld

/// Stepping through a trace in the REPL: `replay FILE`, `step`, `back`,
/// `goto`, `run`. The world is deterministic, so the world as of step k,
/// however it was reached, is the world of a session that ran the trace's
/// first k input lines (and the narration before them), byte for byte.
@Suite struct SteppingTests {
    /// The story of Traces/stolen-refresh.tl with narration, repeated so
    /// that going back crosses checkpoints (one every 32 world-changing lines).
    static let story: [String] = {
        let round = ["# XSS steals alice's tokens; rotation and reuse detection catch it.", "set preset rotation", "login alice",
                     "steal all from alice via xss", "advance 16m", "as mallory refresh", "as mallory call GET /orders",
                     "# alice's silent refresh presents the rotated rt: reuse.", "call alice GET /orders", "tokens",
                     "as mallory call GET /orders", "advance 20m"]
        return (0..<8).flatMap { _ in round } + ["report", "# the end of the story"]
    }()
    static let inputs = story.filter { !$0.hasPrefix("#") }

    static func recorded(_ lines: [String] = story) throws -> String {
        try ScriptRunner.run(script: lines.joined(separator: "\n") + "\n", fileName: "story.tl", seed: 5, preset: "baseline", tool: "tokenlab \(toolVersion)").trace
    }

    static func stepping(_ trace: String) throws -> Session {
        let session = try Session(seed: 1, preset: "baseline")
        let opened = session.startStepping(bytes: Array(trace.utf8), name: "story.jsonl")
        #expect(opened.error == nil, "\(opened.error?.message ?? "")")
        return session
    }

    /// A session that ran the script up to and including its k-th input
    /// line (plus the narration after the last one, at the end).
    static func reference(upTo step: Int) throws -> Session {
        let session = try Session(seed: 5, preset: "baseline")
        var seen = 0
        for (offset, line) in story.enumerated() {
            let isInput = !line.hasPrefix("#")
            if isInput && seen == step { break }
            if isInput { seen += 1 }
            if !isInput && seen == step && step < inputs.count { break }
            _ = session.execute(line, lineNumber: offset + 1)
        }
        return session
    }

    static func expectSameWorld(_ stepped: Session, asStep step: Int, _ comment: Comment) throws {
        let fresh = try reference(upTo: step)
        #expect(stepped.steppingPosition?.step == step, comment)
        #expect(stepped.trace == fresh.trace, comment)
        #expect(deepState(stepped.world) == deepState(fresh.world), comment)
        #expect(CheckpointTests.views(stepped) == CheckpointTests.views(fresh), comment)
    }

    @Test func replayLoadsTheTraceWithoutRunningIt() throws {
        let session = try Self.stepping(try Self.recorded())
        #expect(session.seed == 5 && session.startingPreset == "baseline")
        #expect(session.steppingPosition! == (0, Self.inputs.count))
        #expect(session.world.events.isEmpty && session.log.isEmpty)
    }

    @Test func backGivesTheWorldOfReplayingToTheStepBefore() throws {
        let session = try Self.stepping(try Self.recorded())
        for _ in 0..<70 { #expect(session.execute("step").error == nil) }
        #expect(session.checkpoints.all.count > 1, "going back from 70 to 30 crosses a checkpoint")
        for expected in stride(from: 69, through: 30, by: -1) {
            let result = session.execute("back")
            #expect(result.error == nil)
            #expect(result.output.last?.hasPrefix("at step \(expected)/\(Self.inputs.count)  ") == true, "\(result.output)")
            if expected % 13 == 0 || expected == 30 { try Self.expectSameWorld(session, asStep: expected, "back to \(expected)") }
        }
        // Stepping on from there gives the same steps again.
        #expect(session.execute("step").error == nil)
        try Self.expectSameWorld(session, asStep: 31, "step after back")
    }

    @Test func gotoAStepOrATimeAndRunToTheEnd() throws {
        let trace = try Self.recorded()
        let session = try Self.stepping(trace)
        #expect(session.execute("goto 40").error == nil)
        try Self.expectSameWorld(session, asStep: 40, "goto 40 from the start")
        #expect(session.execute("goto 7").error == nil)
        try Self.expectSameWorld(session, asStep: 7, "goto 7 from 40")
        #expect(session.execute("goto 0").output == ["at step 0/\(Self.inputs.count)  00:00:00.000  nothing run yet"])
        try Self.expectSameWorld(session, asStep: 0, "goto 0")

        // goto TIME: the last step whose world is at or before that time.
        let result = session.execute("goto 00:20:00")
        #expect(result.error == nil)
        let step = try #require(session.steppingPosition?.step)
        #expect(session.world.now <= VirtualTime(milliseconds: 20 * 60_000))
        #expect(session.execute("step").error == nil)
        #expect(session.world.now > VirtualTime(milliseconds: 20 * 60_000), "step \(step) was the last at or before 00:20:00")

        // run: to the end, and the session's trace is the file, byte for byte.
        let ran = session.execute("run")
        #expect(ran.error == nil && session.steppingPosition?.step == Self.inputs.count)
        #expect(session.trace == trace)
        #expect(ran.output.last == "# the end of the story", "narration after the last line comes with the last step")
        // A time past the end lands on the last step; one before the first event on the first steps.
        #expect(session.execute("goto 99:00:00").error == nil && session.steppingPosition?.step == Self.inputs.count)
        #expect(session.execute("goto 00:00:00").error == nil && session.world.now == .zero)
    }

    @Test func aStepPrintsItsNarrationItsLineAndEachEventWithWhatItMeans() throws {
        let session = try Self.stepping(try Self.recorded())
        let first = session.execute("step")
        #expect(first.output == ["# XSS steals alice's tokens; rotation and reuse detection catch it.",
                                 "step 1/\(Self.inputs.count)  > set preset rotation", "policy is now the rotation preset"])
        session.execute("step")
        let theft = session.execute("step").output
        #expect(theft.contains("              ↳ mallory now holds rt1: she can refresh with rt1 until it is rotated away, revoked or expired"), "\(theft)")
        session.execute("goto 6")
        let reuse = session.execute("step").output
        #expect(reuse.first == "# alice's silent refresh presents the rotated rt: reuse.")
        // Every event line is followed by its explanation (or its WWW-Authenticate line, then the explanation).
        for (index, line) in reuse.enumerated() where line.hasPrefix("00:") {
            let next = reuse[index + 1].hasPrefix("              WWW-Authenticate") ? reuse[index + 2] : reuse[index + 1]
            #expect(next.hasPrefix("              ↳ "), "no explanation after \(line)")
        }
        #expect(reuse.contains("              ↳ the auth server saw rt1 a second time: reuse, family fam1 revoked; no new tokens"), "\(reuse)")
        #expect(reuse.contains("              ↳ alice's browser dropped its tokens: its user is logged out"), "\(reuse)")
    }

    @Test func explanationsSayOnlyWhatTheEventSays() {
        func event(_ kind: TraceEvent.Kind, _ from: String, _ to: String?, _ action: String, _ outcome: String, status: Int? = nil,
                   tokens: [String] = [], minted: [String] = []) -> TraceEvent {
            TraceEvent(time: .zero, sequence: 0, kind: kind, from: from, to: to, action: action, outcome: outcome, status: status, rule: nil,
                       tokens: tokens, minted: minted.map { MintedToken(id: $0, fingerprint: "x") })
        }
        let rotated = event(.request, "alice.browser", "auth", "POST /token refresh_token rt1", "200 at2 rt2 (rt1 rotated) fam1",
                            status: 200, tokens: ["at2", "rt2"], minted: ["at2", "rt2"])
        #expect(EventExplanation.text(for: rotated) == "alice's browser swapped rt1 for access token at2 and refresh token rt2 in family fam1; rotation retires rt1")
        let kept = event(.request, "mallory", "auth", "POST /token refresh_token rt1", "200 at2 (refresh token kept, no rotation) fam1",
                         status: 200, tokens: ["at2"], minted: ["at2"])
        #expect(EventExplanation.text(for: kept) == "mallory used rt1 for access token at2 in family fam1; with no rotation rt1 stays usable")
        let expired = event(.request, "alice.browser", "api", "GET /orders  Bearer at1", "401 invalid_token: expired 20ms ago", status: 401, tokens: ["at1"])
        #expect(EventExplanation.text(for: expired) == "the API refused at1 (invalid_token: expired 20ms ago): no data for alice's browser")
        let logout = event(.request, "alice.browser", "auth", "POST /revoke (logout) rt3 at3", "200 family fam2 revoked; at3 stays valid until it expires",
                           status: 200, tokens: ["rt3", "at3"])
        #expect(EventExplanation.text(for: logout) == "alice's browser logged out: refresh tokens of fam2 stop working; at3 keeps working until it expires")
        // A shape it does not know is restated, not guessed at.
        let odd = event(.client, "bob.browser", nil, "hums a tune", "")
        #expect(EventExplanation.text(for: odd) == "bob's browser: hums a tune")
    }

    @Test func lookingCommandsShowTheStepAndLeaveNoTrace() throws {
        let session = try Self.stepping(try Self.recorded())
        session.execute("goto 4")
        let before = session.trace
        for line in ["tokens", "wallet mallory", "diagram", "timeline", "report", "status", "history", "help step"] {
            #expect(session.execute(line).error == nil, "\(line)")
        }
        #expect(session.trace == before && session.steppingPosition?.step == 4)
        #expect(session.execute("tokens").output.joined().contains("rt1"))
        try Self.expectSameWorld(session, asStep: 4, "after looking")
    }

    @Test func aCommandThatChangesTheWorldLeavesSteppingAndRunsOnThatStep() throws {
        let session = try Self.stepping(try Self.recorded())
        session.execute("goto 3")
        #expect(session.execute("undo").error?.message == "undo: while stepping, back goes back a step")
        #expect(session.execute("lgoin bob").error != nil && session.steppingPosition != nil, "a bad line stays stepping")
        let result = session.execute("logout alice")
        #expect(result.error == nil && session.steppingPosition == nil)
        #expect(result.output.first == "(left stepping at step 3/\(Self.inputs.count): the command runs on the world of that step)")
        let fresh = try Self.reference(upTo: 3)
        fresh.execute("logout alice")
        #expect(session.trace == fresh.trace)
        #expect(session.execute("step").error?.message == "step: not stepping through a trace (replay FILE starts)")
        #expect(session.execute("undo").output.first == "undone: logout alice", "an ordinary session again")
    }

    @Test func badMovesAreOneLineAndChangeNothing() throws {
        let session = try Self.stepping(try Self.recorded())
        let total = Self.inputs.count
        #expect(session.execute("back").error?.message == "back: at the start (step 0/\(total)); step runs the first line")
        #expect(session.execute("goto -1").error?.message == "goto: step -1 is before the start (steps 0 to \(total))")
        #expect(session.execute("goto \(total + 1)").error?.message == "goto: step \(total + 1) is past the end (steps 0 to \(total))")
        #expect(session.execute("goto soon").error?.message == "goto: 'soon' is not a step number or a time like 00:15:00; usage: goto N | goto HH:MM:SS")
        #expect(session.execute("goto 00:61:00").error != nil)
        #expect(session.steppingPosition?.step == 0 && session.log.isEmpty)
        session.execute("run")
        #expect(session.execute("step").error?.message == "step: at the end (\(total)/\(total)); back, goto N or replay FILE to see it again")
        #expect(session.execute("run").error?.message == "run: already at the end (\(total)/\(total))")
        #expect(session.steppingPosition?.step == total)
    }

    @Test func aBadTraceIsOneLineAndTheSteppingSessionStaysWhereItWas() throws {
        let trace = try Self.recorded()
        let session = try Self.stepping(trace)
        session.execute("goto 5")
        let state = deepState(session.world)
        var truncated = Array(trace.utf8)
        truncated.removeLast(40)
        let cases: [([UInt8], String)] = [
            (truncated, "story.jsonl:\(trace.split(separator: "\n").count): the last line has no newline (a trace ends with one; truncated?)"),
            (Array("login alice\n".utf8), "story.jsonl:1: not JSON: "),
            ([], "story.jsonl:1: empty file; expected a tokenlab trace header"),
            (Array(try Self.recorded(["# only a note"]).utf8), "story.jsonl: no input lines to step through"),
        ]
        for (bytes, message) in cases {
            let result = session.startStepping(bytes: bytes, name: "story.jsonl")
            #expect(result.error?.message.hasPrefix(message) == true, "\(result.error?.message ?? "accepted")")
            #expect(result.error.map { !$0.message.contains("\n") } == true)
            #expect(session.steppingPosition?.step == 5 && deepState(session.world) == state)
        }
        #expect(session.execute("step").error == nil, "the session goes on")
    }

    @Test func aTraceThatNoLongerReplaysSaysWhereOnce() throws {
        // Same inputs, another outcome recorded: the trace of another seed with this seed's header.
        let script = ["login alice", "call alice GET /orders", "steal all from alice via xss", "as mallory call GET /orders"]
        let ours = try ScriptRunner.run(script: script.joined(separator: "\n") + "\n", fileName: "a.tl", seed: 5, tool: "tokenlab \(toolVersion)").trace
        let theirs = try ScriptRunner.run(script: script.joined(separator: "\n") + "\n", fileName: "a.tl", seed: 6, tool: "tokenlab \(toolVersion)").trace
        var lines = theirs.split(separator: "\n").map(String.init)
        lines[0] = String(ours.split(separator: "\n")[0])
        let edited = resealed(Array((lines.joined(separator: "\n") + "\n").utf8))
        let session = try Session()
        #expect(session.startStepping(bytes: edited, name: "edited.jsonl").error == nil)
        let first = session.execute("step").output
        #expect(first.last?.hasPrefix("edited.jsonl:3: this replay differs from the recorded trace from here on") == true, "\(first)")
        #expect(!session.execute("run").output.contains { $0.contains("differs") }, "said once")
    }
}
