enum PolicyView {
    static func table(_ policy: Policy, presetName: String) -> [String] {
        let changed = policy.differences(from: Policy.preset(named: presetName) ?? policy).count
        var lines = ["preset \(presetName)" + (changed > 0 ? " with \(changed) change\(changed == 1 ? "" : "s") (policy diff shows them)" : "")]
        lines += TextTable.render(
            header: ["key", "value", "risk", "what it does", "rule"],
            rows: PolicyKey.all.map { [$0.name, $0.value(in: policy), policy.risk(of: $0.name).map { "! " + $0 } ?? "", $0.summary, $0.rule] })
        return lines
    }

    static func diff(_ policy: Policy, against preset: Policy, named name: String) -> [String] {
        let differences = policy.differences(from: preset)
        guard !differences.isEmpty else { return ["no differences from \(name)"] }
        return TextTable.render(header: ["key", "now", name], rows: differences.map { [$0.key.name, $0.mine, $0.theirs] })
    }
}

enum HelpView {
    static func lines(for name: String?) throws(CommandError) -> [String] {
        guard let name else {
            return TextTable.render(header: ["command", "what it does (help COMMAND for its usage)"],
                                    rows: CommandSpec.all.map { [$0.name, $0.summary] })
                + ["", "durations: 250ms 90s 5m 2h 30d 1h30m   users: alice (user), bob (admin); attacker: mallory   '#' starts a comment"]
        }
        guard let spec = CommandSpec.named(name) else {
            var message = "no command '\(name)'"
            if let guess = CommandParser.closest(to: name, among: CommandSpec.all.map(\.name)) { message += "; did you mean '\(guess)'?" }
            throw CommandError(message)
        }
        var lines = ["usage: \(spec.usage)", "  \(spec.summary)", "example: \(spec.example)"]
        if let rule = spec.rule { lines.append("see: \(rule)") }
        if spec.name == "set" {
            lines.append("keys: " + PolicyKey.all.map(\.name).joined(separator: " "))
            lines.append("presets: " + Policy.presetNames.joined(separator: " "))
        }
        return lines
    }
}
