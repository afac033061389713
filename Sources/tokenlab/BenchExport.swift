import ArgumentParser
import Foundation
import TokenLabWorld

struct BenchExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "How fast `show` renders a lesson-sized trace (a few hundred events) in each format, and how big the HTML page is (targets: under 100 ms and 500 KB)."
    )

    @Option(name: .long, help: "Runs of each format; the median and the 90th percentile are printed.")
    var runs: Int = 21

    func validate() throws {
        guard runs >= 1 && runs <= 10_000 else { throw ValidationError("--runs takes 1...10000, got \(runs)") }
    }

    /// A lesson's worth: narration, a theft, and rounds of victim and attacker calls.
    static var lessonScript: String {
        var lines = ["# A lesson-sized trace: a theft, then an hour and a half of both parties' calls.", "set preset rotation",
                     "login alice", "call alice GET /orders", "steal all from alice via xss"]
        for round in 1...60 {
            if round % 10 == 1 { lines.append("# Round \(round): alice and mallory both use what they hold.") }
            lines += ["call alice GET /orders", "as mallory call GET /orders", "advance 90s"]
        }
        return (lines + ["report"]).joined(separator: "\n") + "\n"
    }

    func run() throws {
        print("tokenlab \(toolVersion) bench export  runs \(runs)")
        let trace: String
        do { trace = try ScriptRunner.run(script: Self.lessonScript, fileName: "lesson.tl", seed: 1, tool: "tokenlab \(toolVersion)").trace } catch {
            throw Files.fail(error.message)
        }
        let bytes = Array(trace.utf8)
        let events = trace.split(separator: "\n").filter { $0.hasPrefix(#"{"type":"event""#) }.count
        print("trace: \(events) events, \(bytes.count) bytes")
        // CPU time too: on a machine shared with other work, wall time says more about the neighbours.
        print("format      median ms   p90 ms   median CPU ms   output bytes   (read + check + render)")
        for format in TraceView.Format.allCases {
            var times: [Double] = [], cpu: [Double] = []
            var size = 0
            for _ in 0..<runs {
                let start = ContinuousClock.now, cpuStart = Self.cpuMilliseconds()
                let view = try TraceView.read(bytes, name: "lesson.jsonl")
                let text = view.render(as: format, width: 100).joined(separator: "\n") + "\n"
                times.append(milliseconds(ContinuousClock.now - start))
                cpu.append(Self.cpuMilliseconds() - cpuStart)
                size = text.utf8.count
            }
            times.sort()
            cpu.sort()
            print(format.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                  + String(format: "%10.3f %8.3f %15.3f %14d", percentile(times, 0.5), percentile(times, 0.9), percentile(cpu, 0.5), size))
        }
    }

    /// This thread's CPU time (the bench runs on one thread).
    static func cpuMilliseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1e6
    }

    private func milliseconds(_ d: Swift.Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    private func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))]
    }
}
