import Foundation
import Testing

/// The real REPL in a real pseudo-terminal (tmux), driven as a person would:
/// type, press Tab and Up, restart. Every wait polls the screen for what
/// must appear (no fixed sleeps), so a slow machine only takes longer.
@Suite(.serialized) struct TerminalTests {
    final class Screen {
        let socket = "tokenlab-test-\(UUID().uuidString.prefix(8))"
        let state: URL

        init() throws {
            state = FileManager.default.temporaryDirectory.appendingPathComponent("tokenlab-tty-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        }

        /// Runs one tmux client command. The client gets only 0-2 (see
        /// ChildProcess): the server it forks must not hold another test's pipe.
        @discardableResult
        func tmux(_ arguments: [String], capture: Bool = true) throws -> String {
            let outcome: ChildProcess.Outcome
            do {
                outcome = try ChildProcess.run("tmux", ["-L", socket, "-f", "/dev/null"] + arguments, deadline: 30)
            } catch {
                Issue.record("tmux is not installed (.ci/run installs it): \(error)")
                throw CancellationError()
            }
            return capture ? outcome.stdout : ""
        }

        func start(_ arguments: String = "") throws {
            let command = "env XDG_STATE_HOME=\(state.path) TERM=xterm NO_COLOR=1 \(CommandLineTests.binary.path) \(arguments)"
            try tmux(["new-session", "-d", "-x", "120", "-y", "50", command], capture: false)
        }

        func type(_ keys: String...) throws { try tmux(["send-keys"] + keys, capture: false) }

        var text: String { (try? tmux(["capture-pane", "-p"])) ?? "" }

        /// Polls until `condition` holds for the screen, for at most 30 s.
        func wait(for what: String, _ condition: (String) -> Bool) throws {
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                if condition(text) { return }
                usleep(50_000)
            }
            Issue.record("timed out waiting for \(what); the screen was:\n\(text)")
            throw CancellationError()
        }

        func wait(for needle: String) throws { try wait(for: needle) { $0.contains(needle) } }

        /// The line the cursor is on, as the person sees it.
        var promptLine: String {
            text.split(separator: "\n").last(where: { $0.hasPrefix("tokenlab") }).map(String.init) ?? ""
        }

        /// Ends the tmux server this test started (and the REPL in it); runs
        /// from a `defer`, so it happens when the test fails too.
        func stop() {
            _ = try? tmux(["kill-server"], capture: false)
            try? FileManager.default.removeItem(at: state)
        }

        /// Whether a tmux server still answers on this test's socket.
        var serverIsRunning: Bool {
            (try? ChildProcess.run("tmux", ["-L", socket, "-f", "/dev/null", "list-sessions"], deadline: 30))?.status == 0
        }
    }

    @Test func stoppingTheScreenEndsItsTmuxServer() throws {
        let screen = try Screen()
        defer { screen.stop() }
        try screen.start()
        try screen.wait(for: "policy baseline")
        #expect(screen.serverIsRunning)
        screen.stop()
        #expect(!screen.serverIsRunning, "the tmux server outlived the test")
    }

    @Test func typingTabUpHistoryAndDiagramWorkInARealTerminal() throws {
        let screen = try Screen()
        defer { screen.stop() }
        try screen.start()
        try screen.wait(for: "policy baseline")

        // A typed command runs.
        try screen.type("login alice", "Enter")
        try screen.wait(for: "200 at1 rt1 fam1")

        // Tab completes a command...
        try screen.type("tok", "Tab")  // tokens is the only command starting so
        try screen.wait(for: "the completed command") { _ in screen.promptLine.hasSuffix("> tokens") }
        try screen.type("Enter")
        try screen.wait(for: "held by")

        // ...and a token id.
        try screen.type("decode r", "Tab")
        try screen.wait(for: "the completed token id") { _ in screen.promptLine.hasSuffix("> decode rt1") }
        try screen.type("Enter")
        try screen.wait(for: "an opaque refresh token")

        // Up recalls the last line.
        try screen.type("Up")
        try screen.wait(for: "the recalled line") { _ in screen.promptLine.hasSuffix("> decode rt1") }
        try screen.type("C-u", "diagram", "Enter")
        try screen.wait(for: "the diagram") { $0.contains("│") && $0.contains("▶") && $0.contains("200 at1 rt1 fam1") }

        // Ctrl-C clears the line; a bad line does not end the session.
        try screen.type("status garbage")
        try screen.wait(for: "the typed line") { _ in screen.promptLine.hasSuffix("> status garbage") }
        try screen.type("C-c")
        try screen.wait(for: "a fresh, empty prompt after Ctrl-C") { text in
            text.contains("status garbage") && screen.promptLine.hasSuffix(">")  // the pane trims the prompt's trailing space
        }
        try screen.type("lgoin bob", "Enter")
        try screen.wait(for: "did you mean 'login'?")

        // History survives a restart.
        try screen.type("C-d")
        try screen.wait(for: "the session to end") { _ in (try? screen.tmux(["list-sessions"]))?.isEmpty ?? true }
        try screen.start()
        try screen.wait(for: "policy baseline")
        try screen.type("Up")
        try screen.wait(for: "the line from the last session") { _ in screen.promptLine.hasSuffix("> lgoin bob") }
    }

    @Test func aLearnerWalksALessonStepHintFailedCheckAndSolution() throws {
        let screen = try Screen()
        defer { screen.stop() }
        try screen.start("lesson 1 --lessons \(LessonCommandTests.lessons.path)")
        try screen.wait(for: "next: login alice")
        #expect(screen.promptLine.contains("[access-and-refresh 1/"))

        // Tab completes the command the lesson waits for; Enter runs it.
        try screen.type("lo", "Tab")
        try screen.wait(for: "the completed command") { _ in screen.promptLine.hasSuffix("> login") }
        try screen.type("C-u", "Enter")
        try screen.wait(for: "✓ alice holds rt1")
        try screen.type("Enter")
        try screen.wait(for: "exercise:")

        // A hint, a check that fails, then the goal reached by hand.
        try screen.type("hint", "Enter")
        try screen.wait(for: "hint 1 of")
        try screen.type("check", "Enter")
        try screen.wait(for: "not yet: 0 of 1 parts hold")
        try screen.type("advance until alice.access expires", "Enter")
        try screen.wait(for: "at1 expired")
        try screen.type("check", "Enter")
        try screen.wait(for: "solved: every part of the goal holds")
        try screen.wait(for: "the last step in the prompt") { _ in screen.promptLine.contains("[access-and-refresh 4/4]") }
    }

    @Test func steppingThroughATraceWithEnterBackAndGoto() throws {
        let screen = try Screen()
        defer { screen.stop() }
        try screen.start("replay \(ReadmeTests.root.path)/Traces/stolen-refresh.jsonl --step")
        try screen.wait(for: "the step in the prompt") { _ in screen.promptLine.hasPrefix("tokenlab[step 0/11] 00:00:00>") }

        // Enter on an empty line runs the next step, narration first.
        try screen.type("Enter")
        try screen.wait(for: "step 1/11  > set preset rotation")
        try screen.wait(for: "the next step in the prompt") { _ in screen.promptLine.hasPrefix("tokenlab[step 1/11] ") }
        try screen.type("goto 6", "Enter")
        try screen.wait(for: "at step 6/11")
        try screen.type("Enter")
        try screen.wait(for: "reuse, family fam1 revoked; no new tokens")
        try screen.type("back", "Enter")
        try screen.wait(for: "back to step 6") { _ in screen.promptLine.hasPrefix("tokenlab[step 6/11] 00:16:00>") }

        // Looking keeps stepping; changing the world leaves it.
        try screen.type("wallet mallory", "Enter")
        try screen.wait(for: "at2")
        try screen.type("logout alice", "Enter")
        try screen.wait(for: "(left stepping at step 6/11")
        try screen.wait(for: "an ordinary prompt") { _ in screen.promptLine.hasPrefix("tokenlab 00:16:00>") }
        try screen.type("quit", "Enter")
        try screen.wait(for: "the session to end") { _ in (try? screen.tmux(["list-sessions"]))?.isEmpty ?? true }
    }
}
