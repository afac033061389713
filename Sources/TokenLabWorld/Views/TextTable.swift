/// Left-aligned columns separated by two spaces; the last column is not padded.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> [String] {
        let all = [header] + rows
        let columns = header.count
        var widths = Array(repeating: 0, count: columns)
        for row in all { for (i, cell) in row.enumerated() where i < columns { widths[i] = max(widths[i], cell.count) } }
        return all.map { row in
            var line = ""
            for (i, cell) in row.enumerated() {
                line += i == columns - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 2)
            }
            return line.trimmingTrailingSpaces()
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
