import ArgumentParser
import Foundation
import TokenLabCore
import TokenLabWorld

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure tokenlab and print the figures (no pass/fail: speed goals live here, not in tests).",
        subcommands: [BenchWorld.self, BenchRepl.self, BenchMatrix.self, BenchReplay.self, BenchExport.self, BenchStudy.self],
        defaultSubcommand: BenchWorld.self
    )
}

struct BenchWorld: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "world",
        abstract: "The simulator on the standard workload (the default).",
        discussion: """
            N clients log in at random moments in the first 30 s, then call GET /orders every 30 s of virtual time; \
            access tokens live 5 minutes and are refreshed with rotation at the first call after expiry; \
            the API fully validates every token (HMAC, payload, exp, aud). One thread, zero link latency.
            """
    )

    @Option(name: .long, help: "Number of clients.")
    var clients: Int = 1000

    @Option(name: .long, help: "Virtual hours to simulate.")
    var hours: Int = 1

    @Option(name: .long, help: "The seed of the run.")
    var seed: UInt64 = 1

    func validate() throws {
        guard clients >= 1 && clients <= 1_000_000 else { throw ValidationError("--clients takes 1...1000000, got \(clients)") }
        guard hours >= 1 && hours <= 24 * 365 else { throw ValidationError("--hours takes 1...8760, got \(hours)") }
    }

    func run() throws {
        print("tokenlab \(TokenLab.version) bench  seed \(seed)  clients \(clients)  hours \(hours)")
        let workload = Workload(clients: clients, duration: .hours(Int64(hours)), seed: seed)
        let setupStart = ContinuousClock.now
        let world = workload.makeWorld()
        let setup = ContinuousClock.now - setupStart
        let memoryAfterSetup = BenchWorld.memoryMiB(field: "VmRSS:")
        let start = ContinuousClock.now
        world.advance(by: workload.duration)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let counters = world.counters
        func rate(_ n: Int) -> String { seconds > 0 ? String(format: "%.0f", Double(n) / seconds) : "-" }
        print("clients       \(clients)")
        print("calls         \(counters.callsCompleted)  (200: \(counters.callsSucceeded))")
        print("refreshes     \(counters.refreshes)")
        print("events        \(counters.eventsRun)")
        print("setup s       \(String(format: "%.3f", Double(setup.components.seconds) + Double(setup.components.attoseconds) / 1e18))")
        print("wall s        \(String(format: "%.3f", seconds))")
        print("calls/s       \(rate(counters.callsCompleted))")
        print("events/s      \(rate(counters.eventsRun))")
        print("memory setup  \(memoryAfterSetup.map { String(format: "%.1f MiB", $0) } ?? "unknown")  (resident after building the world)")
        print("peak memory   \(BenchWorld.memoryMiB(field: "VmHWM:").map { String(format: "%.1f MiB", $0) } ?? "unknown")")
        // Measured after the run, so that its memory is not in the peak above.
        let macs = 200_000
        var inputBytes = 0
        let nanoseconds = BenchWorld.nanoseconds(each: macs) { inputBytes = Workload.macsOfOneAccessToken(macs).signingInputBytes }
        // The API's HMAC alone caps one thread at this many validated calls a second.
        print(String(format: "HMAC floor    %.0f ns/token (%d bytes signed): at most %.2f M calls/s a thread",
                     nanoseconds, inputBytes, 1e3 / nanoseconds))
        let perValidation = BenchWorld.nanoseconds(each: macs) { _ = Workload.validationsOfOneAccessToken(macs) }
        // The same token again and again: its bytes stay in cache, unlike a crowd's.
        print(String(format: "validation    %.0f ns/token (split, header, alg, HMAC, claims; one token, cached)", perValidation))
    }
}

extension BenchWorld {
    /// Wall nanoseconds per item of `count` done by `work`.
    static func nanoseconds(each count: Int, _ work: () -> Void) -> Double {
        let start = ContinuousClock.now
        work()
        let elapsed = ContinuousClock.now - start
        return (Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9) / Double(count)
    }

    /// A figure from /proc/self/status: VmHWM is the resident-set high-water mark.
    static func memoryMiB(field: String) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
              let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kib / 1024
    }
}

struct BenchStudy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "A population study's cost: wall time, events per second per core and peak memory.",
        discussion: "By default 100,000 users for 7 days under rotation and bcp, with the study's default usage and incidents."
    )

    @Option(name: .long, help: "Users.")
    var users = 100_000

    @Option(name: .long, help: "Days.")
    var days = 7

    @Option(name: .long, help: "Cores (default: all).")
    var jobs = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        var spec = StudySpec()
        spec.users = users
        spec.days = days
        do {
            spec.columns = try ["rotation", "bcp"].map { text throws(CommandError) in try StudyPolicy(parsing: text) }
        } catch { throw Files.fail(error.message) }
        if let problem = TokenLabWorld.Study.problem(with: spec) { throw Files.fail(problem) }
        let workers = max(1, min(jobs, spec.blockCount))
        print("tokenlab \(toolVersion) bench study  \(users) users × \(days) days  policies rotation, bcp  jobs \(workers)")
        let start = ContinuousClock.now
        let tallies = StudyRunner.run(spec, jobs: workers)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let events = tallies.reduce(0) { $0 + $1.eventsRun }
        let calls = tallies.reduce(0) { $0 + $1.calls }
        print("user-days     \(users * days) per policy")
        print("calls         \(calls)")
        print("events        \(events)")
        print("wall s        \(String(format: "%.2f", seconds))")
        print("events/s      \(String(format: "%.0f", Double(events) / seconds))  (\(String(format: "%.0f", Double(events) / seconds / Double(workers))) per core)")
        print("peak memory   \(BenchWorld.memoryMiB(field: "VmHWM:").map { String(format: "%.1f MiB", $0) } ?? "unknown")")
    }
}
