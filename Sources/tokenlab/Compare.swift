import ArgumentParser
import TokenLabWorld

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one script under two policies and show what its attacks achieved under each, side by side."
    )

    @Argument(help: "The script (.tl).", completion: .file(extensions: ["tl"]))
    var script: String

    @Option(name: .long, help: "A preset to compare; give it twice.")
    var policy: [String] = []

    @Option(name: .long, help: "The seed of both runs.")
    var seed: UInt64 = 1

    func validate() throws {
        guard policy.count == 2 else { throw ValidationError("give exactly two --policy PRESET options, got \(policy.count)") }
    }

    func run() throws {
        let text = try Files.readArgument(script)
        var runs: [ScriptRun] = []
        for preset in policy {
            do {
                runs.append(try ScriptRunner.run(script: text, fileName: script, seed: seed, preset: preset, tool: "tokenlab \(toolVersion)"))
            } catch {
                throw Files.fail("\(error.message) (under \(preset))")
            }
        }
        print("tokenlab \(toolVersion) compare  seed \(seed)  \(script): \(policy[0]) vs \(policy[1])")
        let count = max(runs[0].outcomes.count, runs[1].outcomes.count)
        guard count > 0 else {
            print("the script steals or forges nothing under either policy; nothing to compare")
            return
        }
        func describe(_ outcome: AttackOutcome?) -> String {
            guard let outcome else { return "(no such attack)" }
            let reach = outcome.window.map { "\(outcome.apiRequests) requests over \($0.text)" } ?? "no successful use"
            return "\(reach); \(outcome.stoppedBy)"
        }
        for i in 0..<count {
            let a = i < runs[0].outcomes.count ? runs[0].outcomes[i] : nil
            let b = i < runs[1].outcomes.count ? runs[1].outcomes[i] : nil
            let same = a == b
            print("\(i + 1). \((a ?? b)?.origin ?? "")\(same ? "  (same under both)" : "")")
            print("   \(policy[0]): \(describe(a))")
            print("   \(policy[1]): \(describe(b))")
        }
    }
}
