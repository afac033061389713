import TokenLabCore

/// The session's snapshots of its world, by place in the log. A snapshot
/// plus the commands after it is the present, exactly (the world is
/// deterministic), so going back costs one copy and at most a checkpoint
/// interval of replayed commands, at any depth.
struct Checkpoints {
    struct Checkpoint {
        /// How many log lines had run when it was taken.
        let commandCount: Int
        /// How many of them changed the world.
        let changedCount: Int
        /// Never run: restoring copies it, so it can be restored again.
        let world: World
        let recorder: TraceRecorder
    }

    /// A checkpoint every this many world-changing commands.
    static let interval = 32
    /// While stepping through a trace: `back` is pressed one step at a time
    /// in front of a class, so it may replay at most this many commands.
    static let steppingInterval = 4
    /// Every checkpoint within the newest `recentSpan` world-changing
    /// commands is kept; older ones only every `sparseInterval` commands, so
    /// memory grows slowly with the session. Going back past the dense ones
    /// replays more once, and the replay lays down dense checkpoints again.
    static let recentSpan = 512
    static let sparseInterval = 512
    /// How many dense checkpoints the normal interval keeps.
    static var recentKept: Int { recentSpan / interval }

    /// In log order; the first is always the fresh world.
    private(set) var all: [Checkpoint] = []

    mutating func start(world: World, recorder: TraceRecorder) {
        all = [Checkpoint(commandCount: 0, changedCount: 0, world: world.snapshot(), recorder: recorder)]
    }

    var last: Checkpoint? { all.last }

    mutating func append(_ checkpoint: Checkpoint) {
        all.append(checkpoint)
        let horizon = checkpoint.changedCount - Checkpoints.recentSpan
        let older = all.firstIndex { $0.changedCount > horizon } ?? all.count
        guard older > 1 else { return }
        // One per `sparseInterval` of changed commands (the first in each stretch).
        var lastStretch = 0
        let thinned = all[1..<older].filter { checkpoint in
            let stretch = checkpoint.changedCount / Checkpoints.sparseInterval
            defer { lastStretch = stretch }
            return stretch != lastStretch
        }
        all.replaceSubrange(1..<older, with: thinned)
    }

    /// Forgets checkpoints taken after `commandCount` lines: the log is about
    /// to be cut there. Returns the newest one left.
    mutating func dropAfter(commandCount: Int) -> Checkpoint? {
        all.removeAll { $0.commandCount > commandCount }
        return all.last
    }
}

/// What a failed command may have changed, cheaply compared. World actions
/// throw before changing anything; this catches the ones stopped part-way
/// (an attack failing at a later step), which always leave a trace here.
struct ChangeMark: Equatable {
    let now: VirtualTime
    let eventsRun: Int
    let recordedEvents: Int
    let ledgerEntries: Int
    let queued: Int
    let policy: Policy
    let presetName: String

    init(_ world: World) {
        now = world.now
        eventsRun = world.counters.eventsRun
        recordedEvents = world.events.count
        ledgerEntries = world.ledger.entries.count
        queued = world.queue.count
        policy = world.policy
        presetName = world.presetName
    }
}

/// Everything `load` may change, to put back when it fails.
struct SavedState {
    let seed: UInt64
    let world: World
    let recorder: TraceRecorder
    let log: [String]
    let lineNumbers: [Int]
    let changed: [Bool]
    let checkpoints: Checkpoints

    init(of session: Session) {
        seed = session.seed
        world = session.world.snapshot()
        recorder = session.recorder
        log = session.log
        lineNumbers = session.lineNumbers
        changed = session.changed
        checkpoints = session.checkpoints
    }

    func restore(into session: Session) {
        session.seed = seed
        session.install(world.snapshot())
        session.recorder = recorder
        session.log = log
        session.lineNumbers = lineNumbers
        session.changed = changed
        session.checkpoints = checkpoints
    }
}

extension Session {
    /// How many log lines have run: `rewind(toCommandCount:)` takes 0 up to this.
    public var commandCount: Int { log.count }

    /// Puts the session back to just after its first `count` log lines, as
    /// if the later ones had never run: the world, the log and the trace.
    /// Costs one world copy and the replay of at most a checkpoint interval
    /// of commands, however far back `count` is.
    public func rewind(toCommandCount count: Int) throws(CommandError) {
        guard count >= 0, count <= log.count else {
            throw CommandError("rewind: \(count) is not a command count from 0 to \(log.count)")
        }
        restore(toCommandCount: count)
    }

    /// Takes a checkpoint when enough world-changing commands ran since the last.
    func takeCheckpointIfDue() {
        guard takesCheckpoints, let last = checkpoints.last else { return }
        // Counted from the last checkpoint only: a long session must not rescan its whole log per command.
        let changedSince = changed[last.commandCount...].reduce(0) { $0 + ($1 ? 1 : 0) }
        // A copy costs as much as the world is large (its recorded events), so a
        // large world is copied less often: at most ~256 events copied per command.
        let interval = max(stepping == nil ? Checkpoints.interval : Checkpoints.steppingInterval, world.events.count / 256)
        guard changedSince >= interval else { return }
        let changedCount = last.changedCount + changedSince
        checkpoints.append(.init(commandCount: log.count, changedCount: changedCount, world: world.snapshot(), recorder: recorder))
    }

    /// The nearest checkpoint at or before `count`, then the lines after it,
    /// each with the line number the trace gave it. Replays are not
    /// interruptible: they redo what already ran once, within its budget.
    func restore(toCommandCount count: Int) {
        let lines = Array(zip(log[..<count], lineNumbers[..<count]))
        guard let base = checkpoints.dropAfter(commandCount: count) else {
            preconditionFailure("the fresh world's checkpoint is never dropped")
        }
        install(base.world.snapshot())
        recorder = base.recorder
        log.removeSubrange(base.commandCount...)
        lineNumbers.removeSubrange(base.commandCount...)
        changed.removeSubrange(base.commandCount...)
        let interrupt = shouldInterrupt
        shouldInterrupt = nil
        defer { shouldInterrupt = interrupt }
        for (line, number) in lines[base.commandCount...] {
            // Deterministic, so it succeeds again; if not (a budget lowered
            // since), the session stops at the last line that did.
            if executeLine(line, lineNumber: number).error != nil { break }
        }
    }
}
