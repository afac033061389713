import TokenLabCore

/// Runs a script (`.tl`: commands one a line, `#` comments) in a fresh
/// world. Stops at the first bad line with `FILE:LINE: message`.
public struct ScriptRun: Sendable {
    public var output: [String]
    public var trace: String
}

public enum ScriptRunner {
    public static func run(script: String, fileName: String, seed: UInt64, preset: String = "baseline",
                           tool: String) throws(CommandError) -> ScriptRun {
        guard let policy = Policy.preset(named: preset) else {
            throw CommandError("unknown preset '\(preset)'; valid: \(Policy.presetNames.joined(separator: ", "))")
        }
        let world = World(seed: seed)
        world.setPolicy(policy, presetName: preset)
        let interpreter = Interpreter(world: world)
        var recorder = TraceRecorder(world: world, tool: tool)
        var output: [String] = []
        for (offset, line) in lines(of: script).enumerated() {
            let enteredAt = world.now
            let result = interpreter.execute(line)
            if let error = result.error { throw CommandError("\(fileName):\(offset + 1): \(error.message)") }
            recorder.record(line: offset + 1, text: line, enteredAt: enteredAt, result: result)
            if !result.isBlank { output.append("> " + line.trimmingTrailingSpaces()) }
            output += result.output
        }
        return ScriptRun(output: output, trace: recorder.finished())
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
