import ArgumentParser
import Foundation
import TokenLabWorld

/// Replay and stepping figures: what `tokenlab replay --verify` costs on a
/// lesson-sized trace and on a very large one, and what `step` and `back`
/// cost in the REPL on a 500-step trace.
struct BenchReplay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay-verify of a lesson-sized trace and of a generated trace of about a million events; step and back in a 500-step trace."
    )

    @Option(name: .long, help: "Events in the large generated trace.")
    var events: Int = 1_000_000

    @Option(name: .long, help: "Runs of the lesson-sized replay; the median and the 90th percentile are printed.")
    var runs: Int = 21

    func validate() throws {
        guard events >= 1000 && events <= 5_000_000 else { throw ValidationError("--events takes 1000...5000000, got \(events)") }
        guard runs >= 1 && runs <= 1000 else { throw ValidationError("--runs takes 1...1000, got \(runs)") }
    }

    /// A story that touches logins, refreshes, rotation, theft and reuse detection.
    static let lessonCycle = [
        "# a round of the story", "set preset rotation", "login alice", "call alice GET /orders", "login bob", "call bob GET /admin",
        "steal all from alice via xss", "advance 16m", "as mallory refresh", "as mallory call GET /orders",
        "call alice GET /orders", "call bob GET /orders", "logout bob", "report",
    ]

    func run() throws {
        print("tokenlab \(toolVersion) bench replay")
        try benchLesson()
        // Stepping before the large trace: freeing half a gigabyte of it would be timed as a `back`.
        try benchStepping()
        try benchLarge()
    }

    private func trace(of lines: [String]) throws -> String {
        try ScriptRunner.run(script: lines.joined(separator: "\n") + "\n", fileName: "bench.tl", seed: 1, tool: "tokenlab \(toolVersion)").trace
    }

    private func benchLesson() throws {
        var lines: [String] = []
        var text = try trace(of: lines)
        while text.utf8.count(where: { $0 == 0x0A }) < 300 {
            lines += Self.lessonCycle
            text = try trace(of: lines)
        }
        let bytes = Array(text.utf8)
        var times: [Double] = []
        var events = 0
        for _ in 0..<runs {
            let start = ContinuousClock.now
            let replay = try TraceReplay.run(bytes: bytes, name: "lesson.jsonl", narrates: false)
            times.append(milliseconds(ContinuousClock.now - start))
            guard replay.difference == nil else { throw ValidationError("the lesson trace does not replay byte for byte") }
            events = replay.events
        }
        print(String(format: "replay --verify, lesson trace (%d inputs, %d events, %d KiB): median %.2f ms, p90 %.2f ms  (target < 50 ms)",
                     lines.count, events, bytes.count / 1024, percentile(times, 0.5), percentile(times, 0.9)))
    }

    private func benchLarge() throws {
        // Logins and calls: many small inputs, one or two events each, and a world that stays small.
        let cycle = ["login alice", "call alice GET /orders", "call alice GET /orders", "call alice GET /profile",
                     "advance 16m", "call alice GET /orders", "login bob", "call bob GET /admin", "logout bob"]
        // Events one cycle records: two per login, one per call and for the
        // logout, four for the call after expiry (the 401, the client's
        // decision, the refresh, the retry), none for the advance (checked below).
        let perCycle = 13
        var lines: [String] = []
        lines.reserveCapacity(events / perCycle * cycle.count + cycle.count)
        while lines.count / cycle.count * perCycle < events { lines += cycle }
        let generateStart = ContinuousClock.now
        let text = try trace(of: lines)
        let generated = milliseconds(ContinuousClock.now - generateStart)
        let bytes = Array(text.utf8)
        let start = ContinuousClock.now
        let replay = try TraceReplay.run(bytes: bytes, name: "large.jsonl", narrates: false)
        let seconds = milliseconds(ContinuousClock.now - start) / 1000
        guard replay.difference == nil else { throw ValidationError("the large trace does not replay byte for byte") }
        guard replay.events >= events && replay.events < events + perCycle else {
            throw ValidationError("the large trace has \(replay.events) events, not the \(events) asked for: the cycle no longer records \(perCycle)")
        }
        print(String(format: "replay --verify, generated trace (%d inputs, %d events, %d MiB; written in %.1f s): %.2f s, %.0f events/s  (target >= 500000)",
                     replay.inputs, replay.events, bytes.count >> 20, generated / 1000, seconds, Double(replay.events) / seconds))
    }

    private func benchStepping() throws {
        let cycle = ["# a note", "login alice", "call alice GET /orders", "steal all from alice via xss", "advance 5m",
                     "as mallory refresh", "call alice GET /orders", "tokens", "advance 16m", "call bob GET /orders", "refresh alice"]
        var lines: [String] = []
        var inputs = 0
        while inputs < 500 {
            let line = cycle[lines.count % cycle.count]
            lines.append(line)
            if !line.hasPrefix("#") { inputs += 1 }
        }
        let bytes = Array(try trace(of: lines).utf8)
        let session = try Session()
        session.width = 100
        guard session.startStepping(bytes: bytes, name: "steps.jsonl").error == nil else { throw ValidationError("cannot step the bench trace") }
        func timed(_ command: String) throws -> Double {
            let start = ContinuousClock.now
            let result = session.execute(command)
            let elapsed = milliseconds(ContinuousClock.now - start)
            if let error = result.error { throw ValidationError("bench '\(command)' failed: \(error.message)") }
            return elapsed
        }
        var steps: [Double] = [], backs: [Double] = []
        for _ in 0..<500 { steps.append(try timed("step")) }
        let events = session.world.events.count
        for _ in 0..<500 { backs.append(try timed("back")) }
        var jumps: [Double] = []
        for target in ["goto 500", "goto 1", "goto 250", "goto 499", "goto 00:30:00", "goto 0"] { jumps.append(try timed(target)) }
        print(String(format: "step, 500-step trace (%d events at the end): median %.3f ms, p90 %.3f ms, max %.3f ms  (target < 20 ms)",
                     events, percentile(steps, 0.5), percentile(steps, 0.9), steps.max() ?? 0))
        print(String(format: "back, every step from 500 to 0: median %.3f ms, p90 %.3f ms, max %.3f ms  (target < 20 ms)",
                     percentile(backs, 0.5), percentile(backs, 0.9), backs.max() ?? 0))
        print(String(format: "goto 500, 1, 250, 499, 00:30:00, 0: median %.3f ms, max %.3f ms", percentile(jumps, 0.5), jumps.max() ?? 0))
    }

    private func milliseconds(_ d: Swift.Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    private func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
    }
}
