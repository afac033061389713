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

        /// Runs tmux and waits for it with posix_spawn and waitpid: Foundation's
        /// Process never saw the exit of a tmux client whose server had forked off.
        @discardableResult
        func tmux(_ arguments: [String], capture: Bool = true) throws -> String {
            let output = state.appendingPathComponent("tmux.out").path
            var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, capture ? output : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            let argv = (["tmux", "-L", socket] + arguments).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid: pid_t = 0
            guard posix_spawnp(&pid, "tmux", &actions, nil, argv, environ) == 0 else {
                Issue.record("tmux is not installed (.ci/run installs it)")
                throw CancellationError()
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return capture ? ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "") : ""
        }

        func start() throws {
            let command = "env XDG_STATE_HOME=\(state.path) TERM=xterm NO_COLOR=1 \(CommandLineTests.binary.path)"
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

        func stop() { _ = try? tmux(["kill-server"], capture: false) }
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
        try screen.wait(for: "the diagram") { $0.contains("│") && $0.contains("▶") && $0.contains("login at1 rt1 200") }

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
}
