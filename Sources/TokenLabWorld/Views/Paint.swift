/// ANSI colours, or none: the front end decides (a terminal, no NO_COLOR).
struct Paint {
    let enabled: Bool

    func apply(_ code: String, _ text: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    func party(_ name: String, _ text: String? = nil) -> String {
        let code: String
        switch name {
        case "auth": code = "33"
        case "api": code = "36"
        case World.attacker: code = "35;1"
        default: code = "34"
        }
        return apply(code, text ?? name)
    }

    func status(_ status: Int?, _ text: String) -> String {
        guard let status else { return text }
        return apply(status < 400 ? "32" : "31;1", text)
    }

    func dim(_ text: String) -> String { apply("2", text) }
}

extension String {
    /// Padded or cut to exactly `width` characters.
    func fitted(to width: Int) -> String {
        if count > width { return String(prefix(max(0, width - 1))) + (width > 0 ? "…" : "") }
        return self + String(repeating: " ", count: width - count)
    }
}
