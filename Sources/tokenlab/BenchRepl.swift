import ArgumentParser
import Foundation
import TokenLabWorld

struct BenchRepl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "How fast REPL commands answer on a world with about 200 events, undo on a 500-command session, and 2,000 undos after 2,000 commands."
    )

    @Option(name: .long, help: "Runs of each command; the median and the 90th percentile are printed.")
    var runs: Int = 51

    func validate() throws {
        guard runs >= 1 && runs <= 10_000 else { throw ValidationError("--runs takes 1...10000, got \(runs)") }
    }

    func run() throws {
        print("tokenlab \(toolVersion) bench repl  runs \(runs)")
        let session = try Session(seed: 1, preset: "rotation")
        session.width = 100
        var round = 0
        while session.world.events.count < 200 {
            for line in ["login alice", "call alice GET /orders", "login bob", "call bob GET /admin", "advance 16m",
                         "call alice GET /orders", "steal refresh from alice via xss", "as mallory refresh"] {
                _ = session.execute(line)
            }
            round += 1
        }
        print("world: \(session.world.events.count) events, \(session.log.count) commands")
        let commands = ["tokens", "status", "policy", "policy diff bcp", "decode at1", "keys", "wallet mallory",
                        "diagram", "diagram 50", "timeline", "history", "help", "help steal",
                        "call alice GET /orders", "advance 1s", "set leeway 0s", "steal access from bob via sniff"]
        var rows: [(String, Double, Double)] = []
        for command in commands {
            var times: [Double] = []
            for _ in 0..<runs {
                let start = ContinuousClock.now
                let result = session.execute(command)
                times.append(milliseconds(ContinuousClock.now - start))
                if let error = result.error { throw ValidationError("bench command '\(command)' failed: \(error.message)") }
            }
            rows.append((command, percentile(times, 0.5), percentile(times, 0.9)))
        }
        print("command                          median ms   p90 ms")
        for (command, median, p90) in rows {
            print(command.padding(toLength: 32, withPad: " ", startingAt: 0) + String(format: "%10.3f %8.3f", median, p90))
        }

        let long = try Session(seed: 1, preset: "rotation")
        var lines: [String] = []
        while lines.count < 500 {
            lines += ["login alice", "call alice GET /orders", "advance 5m", "refresh alice", "call bob GET /orders"]
        }
        for line in lines.prefix(500) { _ = long.execute(line) }
        let eventsBefore = long.world.events.count
        var undoTimes: [Double] = []
        for _ in 0..<min(runs, 25) {
            let start = ContinuousClock.now
            _ = long.execute("undo")
            undoTimes.append(milliseconds(ContinuousClock.now - start))
        }
        print(String(format: "undo on a 500-command session: median %.3f ms, p90 %.3f ms (%d undos in a row, %d events before)",
                     percentile(undoTimes, 0.5), percentile(undoTimes, 0.9), undoTimes.count, eventsBefore))
        try benchDeepUndo(commands: 2000)
    }

    /// `commands` commands, then as many undos: every depth of the session, once.
    private func benchDeepUndo(commands: Int) throws {
        let session = try Session(seed: 1, preset: "rotation")
        let cycle = ["login alice", "call alice GET /orders", "advance 5m", "refresh alice", "call bob GET /orders"]
        for index in 0..<commands { _ = session.execute(cycle[index % cycle.count]) }
        let events = session.world.events.count
        let start = ContinuousClock.now
        for _ in 0..<commands {
            if let error = session.execute("undo").error { throw ValidationError("bench undo failed: \(error.message)") }
        }
        let total = milliseconds(ContinuousClock.now - start)
        print(String(format: "%d undos after %d commands (%d events): total %.1f ms, %.3f ms per undo",
                     commands, commands, events, total, total / Double(commands)))
    }

    private func milliseconds(_ d: Swift.Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    private func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
    }
}

struct BenchMatrix: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matrix",
        abstract: "Wall time of the full attack × preset matrix, on one core and on all of them."
    )

    func run() throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print("tokenlab \(toolVersion) bench matrix  \(Matrix.jobs.count) cells (\(AttackScenario.catalog.count) attacks × \(Matrix.presets.count) presets)")
        var tables: [[Matrix.Cell]] = []
        for jobs in [1, cores] {
            let start = ContinuousClock.now
            tables.append(MatrixRunner.cells(jobs: jobs))
            let elapsed = ContinuousClock.now - start
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            print(String(format: "jobs %-3d  wall %8.1f ms", jobs, ms))
        }
        print("tables identical: \(tables[0] == tables[1] ? "yes" : "NO")")
    }
}
