import TokenLabCore

extension SequenceModel {
    /// The model as a terminal sequence diagram no wider than `width`: a
    /// clock column, one lifeline per party, requests `──▶`, answers `┄┄▶`,
    /// thefts `━━▶` into mallory, a refusal ending in `✗`. A label that does
    /// not fit between its lifelines goes on the line below; notes and
    /// narration wrap. (`show --as diagram`, the REPL's `diagram`.)
    func textLines(width: Int, paint: Paint = Paint(enabled: false), inputs: Bool = true) -> [String] {
        let width = World.pictureWidth(width)
        guard !parties.isEmpty else { return ["no messages yet (login USER sends some)"] }
        let timeWidth = 13
        let lane = max(6, (width - timeWidth) / parties.count)
        let center = { (i: Int) in timeWidth + lane * i + lane / 2 }
        let lineWidth = min(width, timeWidth + lane * parties.count)

        func lifelines() -> [Character] {
            var row = Array(repeating: Character(" "), count: lineWidth)
            for i in parties.indices where center(i) < lineWidth { row[center(i)] = "│" }
            return row
        }
        /// `text` written over `row` from `start`, cut at the right edge.
        func overlay(_ row: inout [Character], _ text: String, at start: Int) {
            for (k, character) in text.enumerated() where start + k < lineWidth && start + k >= 0 { row[start + k] = character }
        }
        func finish(_ row: [Character]) -> String { String(row).trimmingTrailingSpaces() }

        var lines = header(lane: lane, center: center, lineWidth: lineWidth, paint: paint)
        for entry in entries {
            switch entry.item {
            case .narration(let text):
                lines += TextWrap.words("# " + text, width: width, indent: 2).map(paint.dim)
            case .input(let text, let refused):
                guard inputs else { continue }
                let clock = entry.time.clockText
                lines += TextWrap.words(clock + " > " + text + (refused ? "  (refused)" : ""), width: width, indent: timeWidth + 2)
                    .enumerated().map { $0.offset == 0 ? paint.dim(clock) + $0.element.dropFirst(clock.count) : $0.element }
            case .note(let over, let text, let refused):
                guard let i = parties.firstIndex(of: over) else { continue }
                let room = max(8, lineWidth - timeWidth - 1)
                let pieces = TextWrap.words("▌" + over + ": " + text, width: room, indent: 1)
                // One left edge for the whole note: over its party, moved left as far as it must to fit.
                let start = max(timeWidth, min(center(i), lineWidth - (pieces.map(\.count).max() ?? 0)))
                for (k, piece) in pieces.enumerated() {
                    var row = lifelines()
                    if k == 0 { overlay(&row, entry.time.clockText, at: 0) }
                    overlay(&row, piece, at: start)
                    let plain = finish(row)
                    lines.append(paint.enabled ? paint.highlight(plain, piece, refused ? paint.refusedCode : paint.noteCode) : plain)
                }
            case .message(let fromName, let toName, let text, let style, let refused):
                guard let from = parties.firstIndex(of: fromName), let to = parties.firstIndex(of: toName) else { continue }
                var row = lifelines()
                overlay(&row, entry.time.clockText, at: 0)
                let (left, right) = (min(center(from), center(to)), max(center(from), center(to)))
                let shaft: Character = style == .reply ? "┄" : style == .theft ? "━" : "─"
                if left < right {
                    for x in (left + 1)..<right where x < lineWidth { row[x] = shaft }
                    let head: Character = refused ? "✗" : to > from ? "▶" : "◀"
                    if to > from { if right - 1 < lineWidth { row[right - 1] = head } } else { row[left + 1] = head }
                }
                let label = (refused ? "✗ " : "") + (style == .relay ? "via browser: " + text : text)
                let span = right - left - 5
                let code = refused ? paint.refusedCode : style == .theft || style == .relay ? paint.attackCode : style == .reply ? paint.okCode : nil
                if label.count <= span {
                    let start = left + 3 + (span - label.count) / 2
                    overlay(&row, " " + label + " ", at: start - 1)
                    let plain = finish(row)
                    lines.append(code.map { paint.enabled ? paint.highlight(plain, " " + label + " ", $0) : plain } ?? plain)
                } else {
                    lines.append(finish(row))
                    // Below the arrow, from its left end; cut at the edge.
                    let room = lineWidth - left - 1
                    var below = lifelines()
                    let shown = label.count > room ? String(label.prefix(max(1, room - 1))) + "…" : label
                    overlay(&below, shown, at: max(timeWidth, min(left + 1, lineWidth - shown.count)))
                    let plain = finish(below)
                    lines.append(code.map { paint.enabled ? paint.highlight(plain, shown, $0) : plain } ?? plain)
                }
            }
        }
        return lines
    }

    /// Party names centred over their lifelines; when a name does not fit its
    /// lane, the names alternate between two header lines.
    private func header(lane: Int, center: (Int) -> Int, lineWidth: Int, paint: Paint) -> [String] {
        let fits = parties.allSatisfy { $0.count < lane }
        let rows = fits ? 1 : 2
        var out: [String] = []
        for row in 0..<rows {
            var text = ""
            var cursor = 0
            for (i, name) in parties.enumerated() where i % rows == row {
                let room = rows == 1 ? lane - 1 : 2 * lane - 1
                let label = name.count > room ? String(name.prefix(room - 1)) + "…" : name
                let start = max(cursor, min(center(i) - label.count / 2, lineWidth - label.count))
                text += String(repeating: " ", count: start - cursor) + paint.party(name, label)
                cursor = start + label.count
            }
            out.append(text)
        }
        return out
    }
}

extension World {
    /// `diagram [N]`: the last N messages and notes as a sequence diagram,
    /// mallory's thefts and rides included (the model of `show --as diagram`).
    func diagramLines(count: Int, width: Int, colors: Bool, theme: Theme = .default) -> [String] {
        SequenceModel(world: self, count: count).textLines(width: width, paint: Paint(enabled: colors, theme: theme), inputs: false)
    }
}
