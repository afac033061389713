import ArgumentParser
import Foundation
import Synchronization
import TokenLabCore
import TokenLabWorld

struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "What token policies cost and buy across a population of users, side by side.",
        discussion: """
            Each user lives in a world of her own for --days days: sessions in the active hours, API calls at random \
            intervals, and at a refresh a chance that a second tab races it or its response is lost. Incidents \
            (catalog attacks) strike a share of users once, at a random moment of a session. Every policy sees the \
            same users doing the same things. Users run in fixed blocks across cores, so the numbers are the same \
            with any --jobs; Ctrl-C stops and prints what finished.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, csv, json, markdown }

    @Option(name: .long, help: ArgumentHelp("A column: PRESET[,KEY=VALUE...]; give 2 to 6 (default: rotation and bcp).", valueName: "policy"))
    var policy: [String] = []

    @Option(name: .customLong("set"), help: ArgumentHelp("A setting for every column, KEY=VALUE.", valueName: "setting"))
    var settings: [String] = []

    @Option(name: .long, help: "Users (1...10000000).")
    var users = 1000

    @Option(name: .long, help: "Days of virtual time (1...366).")
    var days = 7

    @Option(name: .long, help: "The seed: the same seed gives the same numbers.")
    var seed: UInt64 = 1

    @Option(name: .long, help: ArgumentHelp("ATTACK=SHARE: the share of users it strikes once (like xss-once=1%); 'none' for no incidents.", valueName: "incident"))
    var incident: [String] = []

    @Option(name: .long, help: ArgumentHelp("Hours when sessions start, FROM-UNTIL.", valueName: "hours"))
    var active = "8-23"

    @Option(name: .long, help: "Sessions per user per day, on average (1...96).")
    var sessions = 4

    @Option(name: .customLong("session-length"), help: "Mean length of a session (1s...24h).")
    var sessionLength = "15m"

    @Option(name: .customLong("call-every"), help: "Mean time between API calls in a session (1s...24h).")
    var callEvery = "1m"

    @Option(name: .customLong("two-tabs"), help: "Chance that a refresh races a second tab (like 2% or 0.02).")
    var twoTabs = "2%"

    @Option(name: .customLong("lost-response"), help: "Chance that a refresh's response is lost.")
    var lostResponse = "0.1%"

    @Option(name: .long, help: "text (a table and a histogram), csv, json or markdown.")
    var format: Format = .text

    @Option(name: .long, help: "Cores to use (default: all, at most one per block of 250 users).")
    var jobs: Int?

    func run() throws {
        let spec: StudySpec
        do { spec = try makeSpec() } catch { throw Files.fail(error.message) }
        if let problem = TokenLabWorld.Study.problem(with: spec) { throw Files.fail(problem) }
        let blocks = spec.blockCount
        if let jobs, !(1...blocks).contains(jobs) {
            throw Files.fail("--jobs takes 1...\(blocks) for \(spec.users) users (\(blocks) block\(blocks == 1 ? "" : "s") of \(StudySpec.blockSize)), got \(jobs)")
        }
        let workers = min(jobs ?? ProcessInfo.processInfo.activeProcessorCount, blocks)
        let progress = StudyProgress(total: spec.users, draws: isatty(STDERR_FILENO) == 1)
        StudyInterrupt.install()
        let tallies = StudyRunner.run(spec, jobs: workers, progress: progress)
        progress.finish()
        let report = StudyReport(spec: spec, tallies: tallies)
        switch format {
        case .text:
            print("tokenlab \(toolVersion) study  seed \(spec.seed)")
            report.text(width: Terminal.fitWidth ?? 80).forEach { print($0) }
        case .csv: report.csv.forEach { print($0) }
        case .json: print(report.json)
        case .markdown: report.markdown.forEach { print($0) }
        }
        if report.usersRun < spec.users {
            Files.printError("interrupted: \(report.usersRun) of \(spec.users) users ran; the figures are theirs")
            throw ExitCode(130)
        }
    }

    /// The flags as a spec, or one line naming the flag that is wrong.
    func makeSpec() throws(CommandError) -> StudySpec {
        var spec = StudySpec()
        spec.users = users
        spec.days = days
        spec.seed = seed
        var common: [(key: String, value: String)] = []
        for setting in settings {
            let pair = setting.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else { throw CommandError("--set \(setting): not KEY=VALUE (like refresh.grace=2s)") }
            common.append((pair[0], pair[1]))
        }
        // No --policy: the question most teams start with, rotation against the BCP.
        spec.columns = try (policy.isEmpty ? ["rotation", "bcp"] : policy).map { text throws(CommandError) in try StudyPolicy(parsing: text, common: common) }
        if incident == ["none"] {
            spec.incidents = []
        } else if !incident.isEmpty {
            spec.incidents = try incident.map { text throws(CommandError) in
                let pair = text.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2, let chance = Chance(parsing: pair[1]) else {
                    throw CommandError("--incident \(text): takes ATTACK=SHARE with SHARE in 0%...100% (like xss-once=0.5%)")
                }
                return Incident(attack: pair[0], chance: chance)
            }
        }
        let hours = active.split(separator: "-").map { Int($0) }
        guard hours.count == 2, let from = hours[0], let until = hours[1] else {
            throw CommandError("--active takes FROM-UNTIL in whole hours within 0-24, FROM before UNTIL (like 8-23), got \(active)")
        }
        spec.usage.activeFrom = .hours(Int64(from))
        spec.usage.activeUntil = .hours(Int64(until))
        spec.usage.sessionsPerDay = sessions
        spec.usage.sessionLength = try duration(sessionLength, flag: "--session-length")
        spec.usage.callInterval = try duration(callEvery, flag: "--call-every")
        spec.usage.twoTabs = try chance(twoTabs, flag: "--two-tabs")
        spec.usage.lostResponse = try chance(lostResponse, flag: "--lost-response")
        return spec
    }

    private func duration(_ text: String, flag: String) throws(CommandError) -> TokenLabCore.Duration {
        guard let d = TokenLabCore.Duration(parsing: text) else { throw CommandError("\(flag) takes a duration such as 30s, 15m, 2h; got \(text)") }
        return d
    }

    private func chance(_ text: String, flag: String) throws(CommandError) -> Chance {
        guard let c = Chance(parsing: text) else { throw CommandError("\(flag) takes a chance in 0%...100% (like 2% or 0.02); got \(text)") }
        return c
    }
}

/// Runs a study's blocks on `jobs` threads. Each thread adds the blocks it
/// ran into its own tallies and the threads' tallies are added at the end:
/// sums of integers, so the numbers do not depend on which thread ran what.
enum StudyRunner {
    static func run(_ spec: StudySpec, jobs: Int, progress: StudyProgress? = nil) -> [StudyTally] {
        let blocks = spec.blockCount
        let next = ResultSlots.Counter()
        let perWorker = StudySlots(count: jobs)
        DispatchQueue.concurrentPerform(iterations: jobs) { worker in
            var mine = spec.columns.map { _ in StudyTally(days: spec.days) }
            while !StudyInterrupt.requested, let block = next.take(below: blocks) {
                let tallies = TokenLabWorld.Study.run(block: block, of: spec)
                for c in mine.indices { mine[c].add(tallies[c]) }
                progress?.add(tallies.first?.users ?? 0)
            }
            perWorker.store(mine, at: worker)
        }
        var totals = spec.columns.map { _ in StudyTally(days: spec.days) }
        for tallies in perWorker.all { for c in totals.indices { totals[c].add(tallies[c]) } }
        return totals.map(\.normalized)
    }
}

/// The threads' tallies, one slot each: the only state they share.
final class StudySlots: @unchecked Sendable {
    private var slots: [[StudyTally]?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ tallies: [StudyTally], at index: Int) {
        lock.lock(); defer { lock.unlock() }
        slots[index] = tallies
    }

    var all: [[StudyTally]] {
        lock.lock(); defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}

/// Ctrl-C during a study: the threads finish the block in hand and stop.
enum StudyInterrupt {
    static let flag = Atomic<Bool>(false)
    static var requested: Bool { flag.load(ordering: .relaxed) }

    static func install() {
        signal(SIGINT) { _ in StudyInterrupt.flag.store(true, ordering: .relaxed) }
    }
}

/// A progress bar with the time left, on standard error, on a terminal only.
final class StudyProgress: @unchecked Sendable {
    private let total: Int
    private let draws: Bool
    private var done = 0
    private let start = ContinuousClock.now
    private let lock = NSLock()

    init(total: Int, draws: Bool) {
        self.total = total
        self.draws = draws
    }

    func add(_ users: Int) {
        lock.lock(); defer { lock.unlock() }
        done += users
        guard draws else { return }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let left = done > 0 ? seconds * Double(total - done) / Double(done) : 0
        let width = 30
        let filled = total > 0 ? done * width / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = "\r[\(bar)] \(done)/\(total) users, about \(Int(left.rounded()))s left "
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard draws else { return }
        FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: 79) + "\r").utf8))
    }
}
