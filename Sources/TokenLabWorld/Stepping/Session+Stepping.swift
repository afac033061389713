import TokenLabCore

/// Stepping through a trace in the REPL: `replay FILE` sets up a fresh
/// world with the trace's seed and preset and runs nothing; `step` (or
/// Enter) runs the next input line and explains each event it causes;
/// `back`, `goto N`, `goto HH:MM:SS` and `run` move through it.
///
/// While stepping, commands that only look (`tokens`, `wallet`, `diagram`,
/// `timeline`, `report`, ...) show the world as of the current step and
/// are not added to the session's log or trace. A command that changes the
/// world runs on the world as of this step and leaves stepping, with a
/// one-line notice: from there on the world is the learner's own. `undo` is
/// refused (`back` is the stepping undo); `reset`, `seed` and `load` leave
/// stepping too.
extension Session {
    /// `step 3/12` while stepping through a trace, for the prompt.
    public var steppingPosition: (step: Int, of: Int)? { stepping.map { ($0.position, $0.total) } }

    /// Starts stepping through the trace in `bytes`, checked exactly as
    /// `tokenlab replay` checks it. On a bad file nothing changes (a trace
    /// being stepped through stays where it was).
    public func startStepping(bytes: [UInt8], name: String) -> CommandResult {
        var times: [Int: VirtualTime] = [:]
        let file: TraceFile
        do {
            file = try TraceFile.parse(bytes, name: name) { line, record in
                guard let type = record["type"]?.stringValue, type == "input" || type == "note",
                      let time = record["time"]?.intValue else { return }
                times[line] = VirtualTime(milliseconds: time)
            }
        } catch {
            return CommandResult(error: error)
        }
        // Only the world's own commands can be steps: a session command
        // (undo, load, replay...) in a hand-made trace would upset the count.
        for record in file.steps where !record.isNote {
            let command: Command?
            do { command = try CommandParser.parse(record.text) } catch {
                return CommandResult(error: CommandError("\(name):\(record.fileLine): \(error.message)"))
            }
            if let command, command.isSessionCommand {
                return CommandResult(error: CommandError("\(name):\(record.fileLine): '\(record.text)' is a session command, not a step of a trace"))
            }
        }
        let recordTimes = file.steps.map { times[$0.fileLine] ?? .zero }
        guard let stepper = TraceStepper(name: name, file: file, recordTimes: recordTimes) else {
            return CommandResult(error: CommandError("\(name): no input lines to step through"))
        }
        guard let policy = Policy.preset(named: file.preset) else {
            return CommandResult(error: CommandError("\(name):1: unknown preset '\(file.preset)'"))
        }
        seed = file.seed
        startingPreset = file.preset
        startingPolicy = policy
        startFresh()
        stepping = stepper
        var result = CommandResult()
        result.output = ["stepping through \(name): \(stepper.total) steps, seed \(seed), policy \(startingPreset); nothing run yet",
                         "step (or Enter) runs the next line; back, goto N, goto HH:MM:SS, run; tokens, wallet, diagram, timeline and report show the world as of the step"]
        result.items += checkAgainstFile()
        return result
    }

    /// A line typed while stepping (see the type's comment for the rules).
    func executeWhileStepping(_ line: String) -> CommandResult {
        let command: Command?
        do { command = try CommandParser.parse(line) } catch { return CommandResult(error: error) }
        // A blank line or a comment typed now is not part of the trace.
        guard let command else { return CommandResult(isBlank: true) }
        switch command {
        case .undo:
            return CommandResult(error: CommandError("undo: while stepping, back goes back a step"))
        case .lesson(.back):
            // One `back` for lessons and traces: here it is the trace's.
            return performStepping(command)
        case .reset, .seed, .load:
            let notice = leaveStepping()
            var result = executeLine(line)
            result.items.insert(.text(notice), at: 0)
            return result
        case _ where command.isSessionCommand:
            return executeLine(line)
        case _ where !command.changesWorld:
            // Looking at the world as of this step: no log line, no trace record.
            let result = interpreter.execute(line)
            if result.error == nil { lastItems = result.items }
            return result
        default:
            let position = stepping.map { "\($0.position)/\($0.total)" } ?? ""
            var result = executeLine(line)
            if result.error == nil {
                _ = leaveStepping()
                result.items.insert(.text("(left stepping at step \(position): the command runs on the world of that step)"), at: 0)
            }
            return result
        }
    }

    /// Ends stepping; the world stays as it is. Returns the notice to show.
    private func leaveStepping() -> String {
        let position = stepping.map { "\($0.position)/\($0.total)" } ?? ""
        stepping = nil
        return "(left stepping at step \(position))"
    }

    func performStepping(_ command: Command) -> CommandResult {
        guard let stepper = stepping else {
            return CommandResult(error: CommandError("\(Session.name(of: command)): not stepping through a trace (replay FILE starts)"))
        }
        switch command {
        case .step:
            guard !stepper.isAtEnd else {
                return CommandResult(error: CommandError("step: at the end (\(stepper.total)/\(stepper.total)); back, goto N or replay FILE to see it again"))
            }
            return stepForward(explained: true)
        case .runToEnd:
            guard !stepper.isAtEnd else {
                return CommandResult(error: CommandError("run: already at the end (\(stepper.total)/\(stepper.total))"))
            }
            var combined = CommandResult()
            while stepping?.isAtEnd == false {
                let result = stepForward(explained: true)
                combined.items += result.items
                combined.events += result.events
                if let error = result.error {
                    combined.error = error
                    break
                }
            }
            return combined
        case .lesson(.back):
            guard stepper.position > 0 else {
                return CommandResult(error: CommandError("back: at the start (step 0/\(stepper.total)); step runs the first line"))
            }
            return go(to: stepper.position - 1)
        case .goto(.step(let step)):
            guard step >= 0 else { return CommandResult(error: CommandError("goto: step \(step) is before the start (steps 0 to \(stepper.total))")) }
            guard step <= stepper.total else {
                return CommandResult(error: CommandError("goto: step \(step) is past the end (steps 0 to \(stepper.total))"))
            }
            return go(to: step)
        case .goto(.time(let time)):
            if let step = stepper.lastStep(atOrBefore: time) { return go(to: step) }
            // Whether the last step ends by `time` is known only once it has run.
            let reached = go(to: stepper.total)
            if reached.error != nil { return reached }
            guard let after = stepping?.clockAfterLast, after > time else { return reached }
            return go(to: stepper.total - 1)
        default:
            return CommandResult(error: CommandError("\(Session.name(of: command)) is not a stepping command"))
        }
    }

    /// Moves to `target` (back through checkpoints, forward by running the
    /// steps quietly) and says where the session now stands, in one line.
    private func go(to target: Int) -> CommandResult {
        guard var stepper = stepping else { return CommandResult() }
        var result = CommandResult()
        if target < stepper.position {
            do { try rewind(toCommandCount: stepper.ends[target]) } catch { return CommandResult(error: error) }
            stepper.position = target
            stepping = stepper
        }
        while let position = stepping?.position, position < target {
            let step = stepForward(explained: false)
            result.items += step.items
            if let error = step.error {
                result.error = error
                return result
            }
        }
        result.items.append(.text(whereNow()))
        return result
    }

    /// `at step 5/12  00:16:00.080  after: as mallory refresh`
    private func whereNow() -> String {
        guard let stepper = stepping else { return "" }
        let head = "at step \(stepper.position)/\(stepper.total)  \(world.now.clockText)"
        guard stepper.position > 0, let input = stepper.input(of: stepper.position) else { return head + "  nothing run yet" }
        return head + "  after: " + input.text
    }

    /// Runs the next step's records. Explained: its narration, a header,
    /// and each event followed by what it means; quiet: nothing but a
    /// difference from the recorded trace. On an error the session stays
    /// at the step it was at.
    private func stepForward(explained: Bool) -> CommandResult {
        guard var stepper = stepping, !stepper.isAtEnd else { return CommandResult() }
        let step = stepper.position + 1
        var result = CommandResult()
        for record in stepper.records(of: step) {
            let ran = executeLine(record.commandLine, lineNumber: record.sourceLine)
            if let error = ran.error ?? (ran.effect != nil ? CommandError("'\(record.text)' cannot run while stepping") : nil) {
                // Put back the world as of the step before; the log must match the steps.
                try? rewind(toCommandCount: stepper.ends[step - 1])
                return CommandResult(error: CommandError("\(stepper.name):\(record.fileLine): \(error.message) (stepping stays at step \(step - 1)/\(stepper.total))"))
            }
            result.events += ran.events
            guard explained else { continue }
            if record.isNote {
                result.items += ran.items
                continue
            }
            result.items.append(.text("step \(step)/\(stepper.total)  > \(record.text)"))
            result.items += EventExplanation.explained(ran.items)
        }
        stepper.position = step
        if step == stepper.total { stepper.clockAfterLast = world.now }
        stepping = stepper
        result.items += checkAgainstFile()
        return result
    }

    /// Compares the trace lines recorded since the last check with the
    /// file's, and says so once if they part: the events shown are this
    /// tokenlab's, not the file's.
    private func checkAgainstFile() -> [OutputItem] {
        guard var stepper = stepping, !stepper.reportedDifference else { return [] }
        let lines = recorder.lines
        defer { stepping = stepper }
        while stepper.checkedLines < lines.count {
            let index = stepper.checkedLines
            guard index < stepper.fileLines.count, stepper.fileLines[index].elementsEqual(lines[index].utf8) else {
                stepper.reportedDifference = true
                return [.text("\(stepper.name):\(index + 1): this replay differs from the recorded trace from here on (tokenlab replay \(stepper.name) shows how)")]
            }
            stepper.checkedLines += 1
        }
        return []
    }

    private static func name(of command: Command) -> String {
        switch command {
        case .step: "step"
        case .lesson(.back): "back"
        case .goto: "goto"
        case .runToEnd: "run"
        default: "replay"
        }
    }
}
