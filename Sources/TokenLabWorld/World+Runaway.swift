import TokenLabCore

/// The event loop's guard. A world whose policy feeds itself (a refresh that
/// is due again the moment it lands) would run forever inside one command;
/// the guard stops such a command after `eventBudget` events, when the
/// front end asks (Ctrl-C), or when an event would fall past the latest
/// virtual time, and the command fails with one line. Outside a command
/// (the bench's workload) only the time limit applies.
struct CommandGuard {
    /// `counters.eventsRun` at which `checkGuard` next runs; `Int.max` when
    /// nothing needs checking.
    var nextCheck = Int.max
    /// `counters.eventsRun` when the running command began, or nil outside a command.
    var commandStart: Int?
    /// Set when a problem was found where nothing can throw (scheduling).
    var pendingStop: String?
    /// The error that stopped the last command, if the guard stopped it.
    var stoppedWith: CommandError?

    mutating func stopNow(because reason: String) {
        if pendingStop == nil { pendingStop = reason }
        nextCheck = 0
    }
}

extension World {
    /// Events one command may run before it counts as a runaway, unless the
    /// world is given another budget. Lessons and attacks run a few thousand
    /// at most. Not more: a recording world keeps about 1 KB per event (trace
    /// lines, minted tokens), so a runaway peaks near 200 MB before it stops
    /// (1,000,000 events measured 955 MB).
    public static let defaultEventBudget = 200_000
    /// How often (in events) a long command asks `shouldInterrupt`.
    static let interruptCheckInterval = 4096

    static let pastLatestTime = "the clock would pass the latest virtual time (1000 years); stopped"

    /// Starts guarding one command: its event count starts at zero.
    public func beginCommand() {
        commandGuard = CommandGuard(nextCheck: counters.eventsRun + World.interruptCheckInterval, commandStart: counters.eventsRun)
    }

    /// Stops guarding: outside a command only the time limit applies.
    public func endCommand() {
        commandGuard.commandStart = nil
        commandGuard.nextCheck = commandGuard.pendingStop == nil ? .max : 0
    }

    /// Whether the guard stopped the last command part-way (the world is then
    /// not in a state any command sequence produces; the session restores it).
    public var wasStopped: Bool { commandGuard.stoppedWith != nil }

    func checkGuard() throws(CommandError) {
        guard commandGuard.nextCheck <= counters.eventsRun || commandGuard.pendingStop != nil else { return }
        if let reason = commandGuard.pendingStop { try stop(CommandError(reason)) }
        guard let start = commandGuard.commandStart else {
            commandGuard.nextCheck = .max
            return
        }
        let run = counters.eventsRun - start
        if run >= eventBudget {
            try stop(CommandError("runaway: \(run) events in one command without settling; stopped"))
        }
        if let shouldInterrupt, shouldInterrupt() { try stop(CommandError("interrupted")) }
        commandGuard.nextCheck = min(counters.eventsRun + World.interruptCheckInterval, start + eventBudget)
    }

    private func stop(_ error: CommandError) throws(CommandError) {
        commandGuard.stoppedWith = error
        commandGuard.pendingStop = nil
        commandGuard.nextCheck = .max
        throw error
    }
}
