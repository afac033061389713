import TokenLabCore

/// Runs a script (`.tl`: commands one a line, `#` comments) in a fresh
/// world. Stops at the first bad line with `FILE:LINE: message`.
public struct ScriptRun: Sendable {
    public var output: [String]
    public var trace: String
    /// What each theft or forgery in the script achieved, at its end.
    public var outcomes: [AttackOutcome] = []
}

public enum ScriptRunner {
    /// With `emit`, each output item goes there as soon as it exists and
    /// `output` stays empty: a long script is streamed, not held. (Items, not
    /// lines: the front end decides how events and narration look.)
    public static func run(script: String, fileName: String, seed: UInt64, preset: String = "baseline",
                           tool: String, settings: [(key: String, value: String)] = [],
                           recordsTrace: Bool = true, width: Int? = nil,
                           emit: ((OutputItem) -> Void)? = nil) throws(CommandError) -> ScriptRun {
        let session = try Session(seed: seed, preset: preset)
        // With a width, pictures and tables are drawn to it; without, as always.
        if let width {
            session.width = width
            session.tableWidth = width
        }
        session.takesCheckpoints = false
        session.recordsTrace = recordsTrace
        // Settings on top of the preset run as `set` lines before the script (line 0 in the trace).
        for (key, value) in settings {
            if let error = session.execute("set \(key) \(value)", lineNumber: 0).error { throw CommandError("\(key)=\(value): \(error.message)") }
        }
        var output: [String] = []
        for (offset, line) in lines(of: script).enumerated() {
            let result = session.execute(line, lineNumber: offset + 1)
            if let error = result.error { throw CommandError("\(fileName):\(offset + 1): \(error.message)") }
            switch result.effect {
            case .quit?: return ScriptRun(output: output, trace: session.trace, outcomes: session.world.attackOutcomes())
            case .write?, .load?: throw CommandError("\(fileName):\(offset + 1): save and load work in the REPL only")
            case .lesson?: throw CommandError("\(fileName):\(offset + 1): lessons run in the REPL (tokenlab lesson ID)")
            case .replay?: throw CommandError("\(fileName):\(offset + 1): replay steps through a trace in the REPL only")
            case nil: break
            }
            // Narration is printed as itself, not echoed as a command.
            let echoes = !result.isBlank && !result.isNarration
            if let emit {
                if echoes { emit(.text("> " + line.trimmingTrailingSpaces())) }
                for item in result.items { emit(item) }
                continue
            }
            if echoes { output.append("> " + line.trimmingTrailingSpaces()) }
            output += result.output
        }
        return ScriptRun(output: output, trace: session.trace, outcomes: session.world.attackOutcomes())
    }

    /// Lines split on LF, with a CR before it dropped (scripts edited on Windows).
    public static func lines(of text: String) -> [String] {
        // "\r\n" is one Character in Swift, so it is a separator of its own.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
