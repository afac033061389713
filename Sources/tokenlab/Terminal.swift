import Foundation
import TokenLabWorld

/// Facts about the terminal, read once: the only place that asks.
enum Terminal {
    static var inputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
    static var outputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Colours only on a terminal, and never when NO_COLOR is set (no-color.org).
    static var wantsColor: Bool { outputIsTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }

    /// TOKENLAB_THEME (default, contrast, plain); an unknown name is said
    /// once on stderr and the default used.
    static let theme: Theme = {
        guard let name = ProcessInfo.processInfo.environment["TOKENLAB_THEME"], !name.isEmpty else { return .default }
        guard let theme = Theme(rawValue: name) else {
            FileHandle.standardError.write(Data("tokenlab: TOKENLAB_THEME '\(name)' is not \(Theme.names); using default\n".utf8))
            return .default
        }
        return theme
    }()

    /// The widths tokenlab draws for: narrower is unreadable, wider only
    /// costs time (a picture's cost grows with its width).
    static let widths = 40...400

    /// The terminal's width, else COLUMNS, else 80; clamped to `widths`.
    static var width: Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return clamped(Int(size.ws_col)) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 { return clamped(columns) }
        return 80
    }

    /// The width printed lines must fit, when anyone said: the terminal's,
    /// or COLUMNS when it is set. Piped with no COLUMNS: nil, lines keep
    /// their natural length (a file or another program wraps nothing).
    static var fitWidth: Int? {
        if outputIsTerminal { return width }
        guard let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 else { return nil }
        return clamped(columns)
    }

    static func clamped(_ columns: Int) -> Int { min(max(columns, widths.lowerBound), widths.upperBound) }

    /// `$XDG_STATE_HOME/tokenlab/history`, else `~/.tokenlab_history`.
    static var historyPath: String? {
        let environment = ProcessInfo.processInfo.environment
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty {
            let directory = state + "/tokenlab"
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return directory + "/history"
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.tokenlab_history"
    }
}
