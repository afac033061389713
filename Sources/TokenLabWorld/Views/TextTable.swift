/// Left-aligned columns separated by two spaces; the last column is not padded.
public enum TextTable {
    /// With a `width`, a table wider than it is narrowed: the widest column
    /// gives up a column at a time (never below its longest word, or 6) and
    /// cells wrap at word boundaries inside their column, so continuation
    /// lines hang under the cell they continue. A table that fits, or no
    /// `width`, is drawn exactly as before.
    public static func render(header: [String], rows: [[String]], width: Int? = nil) -> [String] {
        let all = [header] + rows
        let columns = header.count
        var widths = Array(repeating: 0, count: columns)
        var floors = Array(repeating: 6, count: columns)
        for row in all {
            for (i, cell) in row.enumerated() where i < columns {
                widths[i] = max(widths[i], cell.count)
                for word in cell.split(separator: " ") { floors[i] = max(floors[i], word.count) }
            }
        }
        for i in 0..<columns { floors[i] = min(floors[i], widths[i]) }
        let gaps = 2 * max(0, columns - 1)
        var narrowed = false
        if let width {
            // Deterministic: the widest column that can still give, leftmost on a tie.
            while widths.reduce(gaps, +) > width {
                guard let i = widths.indices.filter({ widths[$0] > floors[$0] }).max(by: { widths[$0] < widths[$1] || (widths[$0] == widths[$1] && $0 > $1) })
                else { break }
                widths[i] -= 1
                narrowed = true
            }
        }
        var lines: [String] = []
        for row in all {
            let cells = (0..<columns).map { i in
                i < row.count ? (narrowed ? TextWrap.words(row[i], width: widths[i]) : [row[i]]) : [""]
            }
            let height = cells.map(\.count).max() ?? 1
            for k in 0..<height {
                var line = ""
                for i in 0..<columns {
                    let cell = k < cells[i].count ? cells[i][k] : ""
                    line += i == columns - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[i] - cell.count) + 2)
                }
                lines.append(line.trimmingTrailingSpaces())
            }
        }
        return lines
    }
}

/// Word wrap: lines of at most `width` characters broken at spaces, a word
/// longer than the width cut; later lines start with `indent` (a hanging indent).
public enum TextWrap {
    static func words(_ text: String, width: Int, indent: Int = 0) -> [String] {
        let width = max(width, indent + 8)
        guard text.count > width else { return [text] }
        var lines: [String] = []
        var current = ""
        func limit() -> Int { lines.isEmpty ? width : width - indent }
        // Each word with the spaces before it, so a line keeps its spacing
        // (an event's fields are two spaces apart); a break drops them.
        var words: [(gap: Int, word: Substring)] = []
        var gap = 0
        for piece in text.split(separator: " ", omittingEmptySubsequences: false) {
            if piece.isEmpty { gap += 1; continue }
            words.append((gap + (words.isEmpty ? 0 : 1), piece))
            gap = 0
        }
        for (gap, word) in words {
            var rest = word
            while !rest.isEmpty {
                let separator = current.isEmpty ? 0 : gap
                if current.count + separator + rest.count <= limit() {
                    current += String(repeating: " ", count: separator) + rest
                    rest = ""
                } else if !current.isEmpty {
                    lines.append(current)
                    current = ""
                } else {
                    // A word longer than a whole line is cut.
                    let room = limit()
                    lines.append(String(rest.prefix(room)))
                    rest = rest.dropFirst(room)
                }
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        let pad = String(repeating: " ", count: indent)
        return lines.enumerated().map { $0.offset == 0 ? $0.element : pad + $0.element }
    }

    /// One printed line fitted to `width`: its leading spaces are kept and
    /// continuations hang further in (under the text after an event's clock).
    public static func fitted(_ line: String, width: Int) -> [String] {
        guard line.count > width else { return [line] }
        let lead = line.prefix(while: { $0 == " " }).count
        // An event line: "00:15:00.020  alice.browser -> api ..." hangs after the clock.
        let isEvent = line.count > 14 && line.prefix(12).allSatisfy { $0.isNumber || $0 == ":" || $0 == "." } && line.dropFirst(12).hasPrefix("  ")
        let indent = min(isEvent ? 14 : lead + 4, width / 2)
        let body = TextWrap.words(String(line.dropFirst(lead)), width: width - lead, indent: max(0, indent - lead))
        let pad = String(repeating: " ", count: lead)
        return body.map { (pad + $0).trimmingTrailingSpaces() }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
