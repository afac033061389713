/// How colour is used on a terminal (`theme`, `TOKENLAB_THEME`). The front
/// end decides whether there is colour at all (a terminal, no NO_COLOR);
/// the theme decides which.
public enum Theme: String, Sendable, CaseIterable {
    /// Parties in colour, timestamps and narration dim.
    case `default`
    /// For a projector: nothing dim, no dark blue; bold text, and refusals
    /// and the attacker in reverse colours, readable on a washed-out wall.
    case contrast
    /// No colour at all, even on a terminal.
    case plain

    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// ANSI colours, or none: the front end decides (a terminal, no NO_COLOR).
struct Paint {
    let enabled: Bool
    let theme: Theme

    init(enabled: Bool, theme: Theme = .default) {
        self.enabled = enabled && theme != .plain
        self.theme = theme
    }

    func apply(_ code: String, _ text: String) -> String { enabled && !code.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    private var contrast: Bool { theme == .contrast }

    func party(_ name: String, _ text: String? = nil) -> String {
        let code: String
        switch name {
        case "auth": code = contrast ? "1;33" : "33"
        case "api": code = contrast ? "1;36" : "36"
        case World.attacker: code = contrast ? "1;97;45" : "35;1"
        // Dark blue is the hardest colour to read projected: bold default instead.
        default: code = contrast ? "1" : "34"
        }
        return apply(code, text ?? name)
    }

    var okCode: String { contrast ? "1;32" : "32" }
    var refusedCode: String { contrast ? "1;97;41" : "31;1" }
    var attackCode: String { contrast ? "1;97;45" : "35" }
    var noteCode: String { contrast ? "1" : "" }

    func status(_ status: Int?, _ text: String) -> String {
        guard let status else { return text }
        return apply(status < 400 ? okCode : refusedCode, text)
    }

    /// Asides (timestamps, rules, narration): dim, except on a projector,
    /// where dim text vanishes; there they are plain.
    func dim(_ text: String) -> String { contrast ? text : apply("2", text) }

    /// `line` with the first occurrence of `part` painted `code`.
    func highlight(_ line: String, _ part: String, _ code: String) -> String {
        guard enabled, !code.isEmpty, !part.isEmpty, let range = line.firstRange(of: part) else { return line }
        return String(line[..<range.lowerBound]) + apply(code, part) + String(line[range.upperBound...])
    }
}

extension String {
    /// Padded or cut to exactly `width` characters.
    func fitted(to width: Int) -> String {
        if count > width { return String(prefix(max(0, width - 1))) + (width > 0 ? "…" : "") }
        return self + String(repeating: " ", count: width - count)
    }
}
