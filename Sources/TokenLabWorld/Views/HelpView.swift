/// `help` and `help COMMAND`, from the command specs.
enum HelpView {
    static let footer = ["durations: 250ms 90s 5m 2h 30d 1h30m   users: alice (user), bob (admin); attacker: mallory   '#' starts a comment"]

    static func lines(for name: String?, width: Int? = nil) throws(CommandError) -> [String] {
        guard let name else {
            return TextTable.render(header: ["command", "what it does (help COMMAND for its usage)"],
                                    rows: CommandSpec.all.map { [$0.name, $0.summary] }, width: width)
                + [""] + footer.flatMap { line in width.map { TextWrap.words(line, width: $0) } ?? [line] }
        }
        guard let spec = CommandSpec.named(name) else {
            var message = "no command '\(name)'"
            if let guess = CommandParser.closest(to: name, among: CommandSpec.all.map(\.name)) { message += "; did you mean '\(guess)'?" }
            throw CommandError(message)
        }
        var lines = ["usage: \(spec.usage)", "  \(spec.summary)", "example: \(spec.example)"]
        if let rule = spec.rule { lines.append("see: \(rule)") }
        if spec.name == "expect" {
            lines += ["checks:"] + Expectation.usage.replacingAll(" | ", with: "\n").split(separator: "\n").map { "  " + $0 }
        }
        if spec.name == "set" {
            lines.append("keys: " + PolicyKey.all.map(\.name).joined(separator: " "))
            lines.append("presets: " + Policy.presetNames.joined(separator: " "))
        }
        return lines
    }
}
