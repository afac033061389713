import ArgumentParser
import TokenLabWorld

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one script under two policies and show what its attacks achieved under each, side by side.",
        discussion: """
            A policy is a preset, optionally followed by settings: --policy rotation --policy rotation,refresh.grace=2s \
            compares rotation with and without a grace period. A script that runs 'set preset' itself overrides both \
            policies from that line on; compare warns when it does.
            """
    )

    @Argument(help: "The script (.tl).", completion: .file(extensions: ["tl"]))
    var script: String

    @Option(name: .long, help: ArgumentHelp("A policy to compare, PRESET[,KEY=VALUE...]; give it twice.", valueName: "policy"))
    var policy: [String] = []

    @Option(name: .long, help: "The seed of both runs.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Fit every printed line to N columns (40-400); default: the terminal's width, or COLUMNS; piped, lines stay whole.")
    var width: Int?

    /// A `--policy` value split into its preset and its settings.
    struct PolicySpec {
        var text: String
        var preset: String
        var settings: [(key: String, value: String)]

        init(_ text: String) throws {
            self.text = text
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            preset = parts[0]
            settings = []
            for part in parts.dropFirst() {
                let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else {
                    throw ValidationError("--policy \(text): '\(part)' is not KEY=VALUE (like refresh.grace=2s)")
                }
                settings.append((pair[0], pair[1]))
            }
        }
    }

    func validate() throws {
        guard policy.count == 2 else { throw ValidationError("give exactly two --policy PRESET[,KEY=VALUE...] options, got \(policy.count)") }
        _ = try policy.map(PolicySpec.init)
        if let width, !Terminal.widths.contains(width) { throw ValidationError("--width takes 40...400, got \(width)") }
    }

    func run() throws {
        let text = try Files.readArgument(script)
        let specs = try policy.map(PolicySpec.init)
        for (number, line) in ScriptRunner.lines(of: text).enumerated() {
            let words = CommandParser.words(of: line)
            if words.count == 3, words[0] == "set", words[1] == "preset" {
                Files.printError("warning: \(script):\(number + 1): the script sets its own preset (\(words[2])); "
                                 + "from there on both runs use it, so the comparison there is of the same policy")
            }
        }
        var runs: [ScriptRun] = []
        for spec in specs {
            do {
                runs.append(try ScriptRunner.run(script: text, fileName: script, seed: seed, preset: spec.preset,
                                                 tool: "tokenlab \(toolVersion)", settings: spec.settings))
            } catch {
                throw Files.fail("\(error.message) (under --policy \(spec.text))")
            }
        }
        let fit = width ?? Terminal.fitWidth
        // Long lines wrap at word boundaries with a hanging indent.
        func print(_ line: String) { (fit.map { TextWrap.fitted(line, width: $0) } ?? [line]).forEach { Swift.print($0) } }
        print("tokenlab \(toolVersion) compare  seed \(seed)  \(script): \(policy[0]) vs \(policy[1])")
        let count = max(runs[0].outcomes.count, runs[1].outcomes.count)
        guard count > 0 else {
            print("the script steals or forges nothing under either policy; nothing to compare")
            return
        }
        func describe(_ outcome: AttackOutcome?) -> String {
            guard let outcome else { return "(no such attack)" }
            let used = outcome.lastSuccess == nil ? "no successful use" : "\(outcome.apiRequests) requests"
            let reach = used + (outcome.window.map { ", usable for \($0.text)" } ?? ", never usable")
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
