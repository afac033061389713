@preconcurrency import CReadline
import Foundation
import Synchronization
import TokenLabWorld

/// Set by Ctrl-C while a command runs (not while a line is being typed):
/// the world asks it every few thousand events and stops the command.
let interruptRequested = Atomic<Bool>(false)
/// True while readline owns the terminal: Ctrl-C then clears the line.
let readingLine = Atomic<Bool>(false)

// Readline calls back into C function pointers, which cannot capture: the
// session they complete against lives in these globals, touched only on the
// main thread between readline calls.
nonisolated(unsafe) private var completionShell: Shell?
nonisolated(unsafe) private var completionMatches: [String] = []
nonisolated(unsafe) private var completionIndex = 0

/// GNU readline: line editing, history (Up/Down, Ctrl-R), a history file,
/// Tab completion from `Completion`, and Ctrl-C that clears the line.
final class LineEditor {
    private let historyPath: String?
    static let historyLimit: Int32 = 1000

    init(shell: Shell, historyPath: String?) {
        self.historyPath = historyPath
        completionShell = shell
        rl_readline_name = UnsafePointer(strdup("tokenlab"))
        rl_attempted_completion_function = { text, start, _ in
            LineEditor.complete(text: text, start: start)
        }
        // Completion must not stop at '.' in `alice.access`.
        rl_basic_word_break_characters = UnsafePointer(strdup(" \t\n"))
        using_history()
        stifle_history(LineEditor.historyLimit)
        if let historyPath { read_history(historyPath) }
        // A parent may have left SIGINT blocked; Ctrl-C must reach us.
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, nil)
        signal(SIGINT) { _ in
            guard readingLine.load(ordering: .relaxed) else {
                // A command is running: ask it to stop (the session puts the world back).
                interruptRequested.store(true, ordering: .relaxed)
                return
            }
            // Like bash: drop what was typed and show a fresh prompt.
            _ = write(STDOUT_FILENO, "\n", 1) // readline has echoed ^C already
            rl_on_new_line()
            rl_replace_line("", 0)
            rl_redisplay()
        }
    }

    /// The next line, or nil at end of input (Ctrl-D).
    func readLine(prompt: String) -> String? {
        readingLine.store(true, ordering: .relaxed)
        let raw = readline(prompt)
        readingLine.store(false, ordering: .relaxed)
        interruptRequested.store(false, ordering: .relaxed)
        guard let raw else { return nil }
        defer { free(raw) }
        let line = String(decoding: UnsafeRawBufferPointer(start: raw, count: strlen(raw)), as: UTF8.self)
        if !line.allSatisfy({ $0 == " " || $0 == "\t" }), line != lastHistoryLine() {
            add_history(raw)
            if let historyPath {
                // Append, then trim: the file survives the next session and never grows without bound.
                if append_history(1, historyPath) != 0 { write_history(historyPath) }
                history_truncate_file(historyPath, LineEditor.historyLimit)
            }
        }
        return line
    }

    private func lastHistoryLine() -> String? {
        guard history_length > 0, let entry = history_get(history_base + history_length - 1), let text = entry.pointee.line else { return nil }
        return String(cString: text)
    }

    private static func complete(text: UnsafePointer<CChar>?, start: Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        guard let shell = completionShell, let buffer = rl_line_buffer else { return nil }
        let before = String(decoding: UnsafeRawBufferPointer(start: buffer, count: Int(start)), as: UTF8.self)
        let typed = text.map { String(cString: $0) } ?? ""
        guard let candidates = Completion.candidates(before: before + typed, world: shell.session.world,
                                                     pending: shell.pendingCommand, lessons: shell.lessonIDs) else {
            rl_attempted_completion_over = 0 // a file name: let readline complete paths
            return nil
        }
        rl_attempted_completion_over = 1
        completionMatches = candidates
        completionIndex = 0
        return rl_completion_matches(text) { _, state in
            if state == 0 { completionIndex = 0 }
            guard completionIndex < completionMatches.count else { return nil }
            defer { completionIndex += 1 }
            return strdup(completionMatches[completionIndex])
        }
    }
}
