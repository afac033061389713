import TokenLabCore
import TokenLabTokens

/// What the front end must do for a command that needs the outside world:
/// the library never touches files or ends the process itself.
public enum SessionEffect: Equatable, Sendable {
    case write(path: String, text: String)
    case load(path: String)
    case quit
}

/// A world plus the commands that made it: the REPL's and scripts' single
/// interpreter. Because the world is deterministic, `undo` is exact: it
/// replays every command but the last on a fresh world with the same seed.
public final class Session {
    public private(set) var seed: UInt64
    public let startingPreset: String
    public private(set) var interpreter: Interpreter
    /// The lines that ran without error (not session commands), in order.
    public private(set) var log: [String] = []
    /// Which of them changed the world: `undo` takes back the last of those.
    private var changed: [Bool] = []
    /// How wide pictures may be drawn, and whether in colour.
    public var width = 80 { didSet { interpreter.width = width } }
    public var colors = false { didSet { interpreter.colors = colors } }
    private var recorder: TraceRecorder

    public var world: World { interpreter.world }

    public init(seed: UInt64 = 1, preset: String = "baseline") throws(CommandError) {
        guard Policy.preset(named: preset) != nil else {
            throw CommandError("unknown preset '\(preset)'; valid: \(Policy.presetNames.joined(separator: ", "))")
        }
        self.seed = seed
        startingPreset = preset
        interpreter = Interpreter(world: Session.freshWorld(seed: seed, preset: preset))
        recorder = TraceRecorder(world: interpreter.world, tool: "tokenlab \(toolVersion)")
    }

    private static func freshWorld(seed: UInt64, preset: String) -> World {
        let world = World(seed: seed)
        if let policy = Policy.preset(named: preset) { world.setPolicy(policy, presetName: preset) }
        return world
    }

    /// Runs one line. `lineNumber` is what the trace records for it (a
    /// script's own line number); by default, its place in this session.
    public func execute(_ line: String, lineNumber: Int? = nil) -> CommandResult {
        let command: Command?
        do { command = try CommandParser.parse(line) } catch {
            return CommandResult(error: error)
        }
        guard let command else { return CommandResult(isBlank: true) }
        if command.isSessionCommand { return perform(command) }
        let enteredAt = world.now
        let result = interpreter.execute(line)
        if result.error == nil {
            log.append(line)
            changed.append(command.changesWorld)
            recorder.record(line: lineNumber ?? log.count, text: line, enteredAt: enteredAt, result: result)
        }
        return result
    }

    private func perform(_ command: Command) -> CommandResult {
        var result = CommandResult()
        switch command {
        case .undo:
            guard let last = changed.lastIndex(of: true) else { return CommandResult(error: CommandError("nothing to undo")) }
            let undone = log[last]
            rebuild(replaying: Array(log[..<last]))
            result.output = ["undone: \(undone)", "now \(world.now.clockText)"]
        case .reset:
            rebuild(replaying: [])
            result.output = ["a fresh world: seed \(seed), policy \(startingPreset)"]
        case .seed(let newSeed):
            seed = newSeed
            rebuild(replaying: [])
            result.output = ["a fresh world: seed \(seed), policy \(startingPreset)"]
        case .history:
            result.output = log.isEmpty ? ["no commands yet"] : log.enumerated().map { "\($0.offset + 1)  \($0.element)" }
        case .save(let path):
            result.effect = .write(path: path, text: trace)
            result.output = ["saved \(log.count) commands to \(path)"]
        case .load(let path):
            result.effect = .load(path: path)
        case .quit:
            result.effect = .quit
        default:
            break
        }
        return result
    }

    /// The session as a trace: header, inputs, events, digest.
    public var trace: String { recorder.finished(outcomes: world.attackOutcomes()) }

    /// Runs a script's lines, or a trace's input lines, into this world. All
    /// or nothing: on a bad line the world is put back as it was and the
    /// error names the file and line.
    public func load(text: String, name: String) -> CommandResult {
        let before = log
        var combined = CommandResult()
        let lines: [(number: Int, text: String)]
        do { lines = try Session.inputs(of: text, name: name) } catch { return CommandResult(error: error) }
        for (number, line) in lines {
            let result = execute(line)
            if let error = result.error {
                rebuild(replaying: before)
                return CommandResult(error: CommandError("\(name):\(number): \(error.message)"))
            }
            if result.effect != nil {
                rebuild(replaying: before)
                return CommandResult(error: CommandError("\(name):\(number): '\(line)' cannot run inside load"))
            }
            combined.items += result.items
            combined.events += result.events
        }
        combined.items.append(.text("loaded \(lines.count) lines from \(name)"))
        return combined
    }

    /// Script lines, or the `input` records of a trace. A file whose first
    /// non-blank line is a JSON object is a trace and is checked exactly as
    /// `replay` checks it (header on line 1, version, digest).
    static func inputs(of text: String, name: String) throws(CommandError) -> [(number: Int, text: String)] {
        let lines = ScriptRunner.lines(of: text)
        guard let first = lines.first(where: { !$0.trimmingTrailingSpaces().isEmpty }), first.hasPrefix("{") else {
            return lines.enumerated().map { ($0.offset + 1, $0.element) }
        }
        return try TraceFile.parse(Array(text.utf8), name: name).inputs.map { ($0.line, $0.text) }
    }

    private func rebuild(replaying lines: [String]) {
        interpreter = Interpreter(world: Session.freshWorld(seed: seed, preset: startingPreset))
        interpreter.width = width
        interpreter.colors = colors
        recorder = TraceRecorder(world: interpreter.world, tool: "tokenlab \(toolVersion)")
        log = []
        changed = []
        for line in lines { _ = execute(line) }
    }
}
