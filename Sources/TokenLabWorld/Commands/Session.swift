import TokenLabCore
import TokenLabTokens

/// What the front end must do for a command that needs the outside world:
/// the library never touches files or ends the process itself.
public enum SessionEffect: Equatable, Sendable {
    case write(path: String, text: String)
    case load(path: String)
    case quit
    /// A lesson command: the front end holds the course and the lesson in progress.
    case lesson(LessonControl)
    /// `replay FILE`: read it and hand its bytes to `startStepping`.
    case replay(path: String)
}

/// A world plus the commands that made it: the REPL's and scripts' single
/// interpreter. Because the world is deterministic, `undo` is exact: it
/// restores the nearest checkpoint before the last command and replays the
/// commands after it (Session+Checkpoints). A command that fails leaves the
/// session exactly as it was, and so does a `load` that fails.
public final class Session {
    public internal(set) var seed: UInt64
    public internal(set) var startingPreset: String
    /// The policy of every fresh world: the starting preset's.
    var startingPolicy: Policy
    public internal(set) var interpreter: Interpreter
    /// The lines that ran without error (not session commands), in order.
    public internal(set) var log: [String] = []
    /// The line number the trace recorded for each, so a replay records it again.
    var lineNumbers: [Int] = []
    /// Which of them changed the world: `undo` takes back the last of those.
    var changed: [Bool] = []
    /// Snapshots of the world at points of `log`, for undo and rewind.
    var checkpoints = Checkpoints()
    /// Whether to take checkpoints as commands run. A script run straight
    /// through (`run`, `replay`) never goes back, so it keeps only the fresh
    /// world's: a million-line script must not hold copies of its history.
    public var takesCheckpoints = true
    /// Whether to write the trace down as commands run; `run` without
    /// `--trace` does not need it. (Its `trace` is then the header alone.)
    public var recordsTrace = true
    /// Asked every few thousand events while a command runs; true stops the
    /// command with "interrupted" (the REPL answers Ctrl-C with it).
    public var shouldInterrupt: (() -> Bool)? { didSet { world.shouldInterrupt = shouldInterrupt } }
    /// Events one command may run before it is stopped as a runaway.
    public var eventBudget = World.defaultEventBudget { didSet { world.eventBudget = eventBudget } }
    /// How wide pictures may be drawn, and whether in colour.
    public var width = 80 { didSet { interpreter.width = width } }
    public var colors = false { didSet { interpreter.colors = colors } }
    /// Which colours, when there are colours (`theme`, TOKENLAB_THEME).
    public var theme = Theme.default { didSet { interpreter.theme = theme } }
    /// How wide tables may be (nil: their natural width); see Interpreter.
    public var tableWidth: Int? { didSet { interpreter.tableWidth = tableWidth } }
    /// Whether commands make the items they show; without, `lastOutput`
    /// (and so `expect output`) sees nothing. `replay --verify` turns it off.
    public var drawsOutput = true { didSet { interpreter.drawsOutput = drawsOutput } }
    var recorder: TraceRecorder
    /// What the last command that ran printed: `expect output` looks here.
    /// Kept as items and drawn only when asked: a replay runs a million
    /// commands and looks at none of their text.
    public var lastOutput: [String] { lastItems.map(\.text) }
    var lastItems: [OutputItem] = []
    /// The trace being stepped through, if any (Session+Stepping).
    var stepping: TraceStepper?

    public var world: World { interpreter.world }

    public convenience init(seed: UInt64 = 1, preset: String = "baseline") throws(CommandError) {
        guard let policy = Policy.preset(named: preset) else {
            throw CommandError("unknown preset '\(preset)'; valid: \(Policy.presetNames.joined(separator: ", "))")
        }
        self.init(seed: seed, preset: preset, policy: policy)
    }

    /// A session whose fresh worlds start with `policy`, unchecked: tests use
    /// it to build a world `set` would refuse (one whose events never settle).
    init(seed: UInt64, preset: String, policy: Policy) {
        self.seed = seed
        startingPreset = preset
        startingPolicy = policy
        interpreter = Interpreter(world: Session.freshWorld(seed: seed, preset: preset, policy: policy))
        recorder = TraceRecorder(world: interpreter.world, tool: "tokenlab \(toolVersion)")
        checkpoints.start(world: world, recorder: recorder)
    }

    private static func freshWorld(seed: UInt64, preset: String, policy: Policy) -> World {
        let world = World(seed: seed)
        world.setPolicy(policy, presetName: preset)
        return world
    }

    /// Runs one line. `lineNumber` is what the trace records for it (a
    /// script's own line number); by default, its place in this session.
    /// While stepping through a trace, lines follow the stepping rules
    /// (Session+Stepping).
    public func execute(_ line: String, lineNumber: Int? = nil) -> CommandResult {
        stepping == nil ? executeLine(line, lineNumber: lineNumber) : executeWhileStepping(line)
    }

    /// Commands parsed before, by line, when on (a replay turns it on): a
    /// long trace runs the same few lines again and again, and a line's
    /// command depends on its text alone. At most `parsedLinesLimit` are kept.
    var parsedLines: [String: Command]?
    static let parsedLinesLimit = 4096

    /// Runs one line into the world, the log and the trace.
    func executeLine(_ line: String, lineNumber: Int? = nil) -> CommandResult {
        let command: Command?
        if let known = parsedLines?[line] {
            command = known
        } else {
            do { command = try CommandParser.parse(line) } catch {
                return CommandResult(error: error)
            }
            if let command, let count = parsedLines?.count, count < Session.parsedLinesLimit { parsedLines?[line] = command }
        }
        guard let command else {
            guard let note = Narration.text(of: line) else { return CommandResult(isBlank: true) }
            return narrate(line, note: note, lineNumber: lineNumber)
        }
        if command.isSessionCommand {
            let result = perform(command)
            if case .expect = command {} else if result.error == nil { lastItems = result.items }
            return result
        }
        let enteredAt = world.now
        let before = ChangeMark(world)
        let result = interpreter.execute(command)
        if result.error != nil {
            // Stopped part-way (a runaway, an interrupt, an attack's failing
            // step): put back the world from before the command.
            if world.wasStopped || ChangeMark(world) != before { restore(toCommandCount: log.count) }
            return result
        }
        lastItems = result.items
        log.append(line)
        lineNumbers.append(lineNumber ?? log.count)
        changed.append(command.changesWorld)
        if recordsTrace { recorder.record(line: lineNumbers[lineNumbers.count - 1], text: line, enteredAt: enteredAt, result: result) }
        if command.changesWorld { takeCheckpointIfDue() }
        return result
    }

    /// A `#` line: kept in the log (so `undo` and rewinds record it again)
    /// and in the trace, never run by the world.
    private func narrate(_ line: String, note: String, lineNumber: Int?) -> CommandResult {
        log.append(line)
        lineNumbers.append(lineNumber ?? log.count)
        changed.append(false)
        if recordsTrace { recorder.recordNote(line: lineNumbers[lineNumbers.count - 1], text: note, at: world.now) }
        var result = CommandResult()
        result.items = [.note(note)]
        return result
    }

    private func perform(_ command: Command) -> CommandResult {
        var result = CommandResult()
        switch command {
        case .undo:
            guard let last = changed.lastIndex(of: true) else { return CommandResult(error: CommandError("nothing to undo")) }
            let undone = log[last]
            restore(toCommandCount: last)
            result.output = ["undone: \(undone)", "now \(world.now.clockText)"]
        case .reset:
            startFresh()
            result.output = ["a fresh world: seed \(seed), policy \(startingPreset)"]
        case .seed(let newSeed):
            seed = newSeed
            startFresh()
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
        case .theme(let chosen):
            if let chosen { theme = chosen }
            result.output = ["theme \(theme.rawValue)" + (colors ? "" : " (no colour here: not a terminal, or NO_COLOR is set)")]
        case .lesson(let control):
            result.effect = .lesson(control)
        case .expect(let expectation, let text):
            let verdict: ExpectationVerdict
            do { verdict = try check(expectation, text: text) } catch {
                let reason = error.message.hasPrefix("expect: ") ? String(error.message.dropFirst("expect: ".count)) : error.message
                return CommandResult(error: CommandError("expect \(text): \(reason)"))
            }
            guard verdict.holds else { return CommandResult(error: CommandError("expect \(text): the world shows \(verdict.shows)")) }
            result.output = [verdict.line]
        case .replay(let path):
            result.effect = .replay(path: path)
        case .step, .goto, .runToEnd:
            return performStepping(command)
        case .show(let format, let path):
            let lines: [String]
            do { lines = try TraceView.of(self).render(as: format, width: width, colors: colors && path == nil, theme: theme) } catch {
                return CommandResult(error: error)
            }
            guard let path else {
                result.output = lines
                return result
            }
            result.effect = .write(path: path, text: lines.joined(separator: "\n") + "\n")
            result.output = ["wrote \(format.rawValue) of \(log.count) lines to \(path)"]
        default:
            break
        }
        return result
    }

    /// Whether `expectation` holds in this session's world now.
    public func check(_ expectation: Expectation, text: String) throws(CommandError) -> ExpectationVerdict {
        if case .output(let wanted) = expectation {
            let printed = lastOutput.joined(separator: "\n")
            let shows = lastOutput.isEmpty ? "the last command printed nothing" : "the last command printed: " + (lastOutput.last ?? "")
            return ExpectationVerdict(holds: printed.contains(wanted), expected: text, shows: shows)
        }
        return try world.evaluate(expectation, text: text)
    }

    /// The session as a trace: header, inputs, events, digest.
    public var trace: String { recorder.finished(outcomes: world.attackOutcomes()) }

    /// Runs a script's lines, or a trace's input lines, into this world. All
    /// or nothing: on a bad line the session (seed, world, log, trace) is
    /// put back as it was and the error names the file and line.
    public func load(text: String, name: String) -> CommandResult {
        let before = SavedState(of: self)
        var combined = CommandResult()
        let lines: [(number: Int, text: String)]
        do { lines = try Session.inputs(of: text, name: name) } catch { return CommandResult(error: error) }
        for (number, line) in lines {
            let result = execute(line)
            if let error = result.error {
                before.restore(into: self)
                return CommandResult(error: CommandError("\(name):\(number): \(error.message)"))
            }
            if result.effect != nil {
                before.restore(into: self)
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
        return try TraceFile.parse(Array(text.utf8), name: name).steps.map { ($0.fileLine, $0.commandLine) }
    }

    /// A fresh world with the session's seed and starting preset, no commands.
    func startFresh() {
        install(Session.freshWorld(seed: seed, preset: startingPreset, policy: startingPolicy))
        recorder = TraceRecorder(world: world, tool: "tokenlab \(toolVersion)")
        log = []
        lineNumbers = []
        changed = []
        checkpoints.start(world: world, recorder: recorder)
    }

    /// Makes `world` the live one, with the front end's settings.
    func install(_ world: World) {
        world.shouldInterrupt = shouldInterrupt
        world.eventBudget = eventBudget
        interpreter = Interpreter(world: world)
        interpreter.width = width
        interpreter.colors = colors
        interpreter.theme = theme
        interpreter.tableWidth = tableWidth
        interpreter.drawsOutput = drawsOutput
    }
}
