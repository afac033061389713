import TokenLabCore

/// A trace loaded for stepping: its input lines grouped into steps, where
/// the session stands, and what the file recorded, to notice a replay that
/// parts from it. Pure bookkeeping; Session+Stepping runs the lines.
///
/// Step k (1...total) is the k-th input line with the narration (`note`
/// records) just before it; narration after the last input belongs to the
/// last step. Step 0 is the fresh world. Every trace step adds one line to
/// the session's log, so the world as of step k is the session after its
/// first `ends[k]` log lines: going back is `rewind(toCommandCount:)`,
/// which starts from the nearest checkpoint, never from the start.
struct TraceStepper {
    /// The file as the user named it, for messages.
    let name: String
    /// Inputs and notes, in file order.
    let records: [TraceFile.Step]
    /// `ends[k]`: how many records have run once step k has; `ends[0] == 0`.
    let ends: [Int]
    /// The virtual time each record was written at (an input's entry time, a note's time).
    let recordTimes: [VirtualTime]
    /// The file's lines, to compare with what the replay records.
    let fileLines: [ArraySlice<UInt8>]
    var position = 0
    /// The world's clock after step k, once known (after the last step it
    /// is known only once that step has run).
    var clockAfterLast: VirtualTime?
    /// How many of the session trace's lines were found equal to the file's.
    var checkedLines = 0
    /// Whether a difference from the recorded trace was already reported.
    var reportedDifference = false

    var total: Int { ends.count - 1 }
    var isAtEnd: Bool { position == total }

    /// Nil when the file holds no input line to step through.
    init?(name: String, file: TraceFile, recordTimes: [VirtualTime]) {
        var ends = [0]
        for (index, record) in file.steps.enumerated() where !record.isNote { ends.append(index + 1) }
        guard ends.count > 1 else { return nil }
        ends[ends.count - 1] = file.steps.count
        self.name = name
        records = file.steps
        self.ends = ends
        self.recordTimes = recordTimes
        fileLines = file.bytes.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false)
    }

    /// The records step k runs (k from 1).
    func records(of step: Int) -> ArraySlice<TraceFile.Step> { records[ends[step - 1]..<ends[step]] }

    /// The input line of step k (k from 1).
    func input(of step: Int) -> TraceFile.Step? { records(of: step).last(where: { !$0.isNote }) }

    /// The world's clock once step k has run, if the file says: the time of
    /// the next step's first record (nothing happens between commands).
    func clock(after step: Int) -> VirtualTime? {
        step < total ? recordTimes[ends[step]] : clockAfterLast
    }

    /// The step `goto TIME` means: the last one whose world's clock is at
    /// or before `time`. Nil when that depends on where the last step
    /// ends, which is not known until it has run.
    func lastStep(atOrBefore time: VirtualTime) -> Int? {
        var found = 0
        for step in 0...total {
            guard let clock = clock(after: step) else { return nil }
            if clock > time { break }
            found = step
        }
        return found
    }
}
