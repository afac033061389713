import TokenLabCore

extension World {
    /// `timeline`: each token's life as a bar over virtual time, `|` at now.
    /// █ accepted, ░ still unexpired but refused (rotated, revoked, denylisted), ▶ lasts past the right edge.
    func timelineLines(width: Int, colors: Bool, theme: Theme = .default) -> [String] {
        let width = World.pictureWidth(width)
        let entries = ledger.entries.suffix(24)
        guard !entries.isEmpty else { return ["no tokens yet (login USER mints some)"] }
        let paint = Paint(enabled: colors, theme: theme)
        let labelWidth = 12, stateWidth = 22
        let barWidth = max(10, max(width, 40) - labelWidth - stateWidth - 2)
        let start = entries.first?.issuedAt.milliseconds ?? 0
        let span = max(60_000, (now.milliseconds - start) * 5 / 4)
        let column = { (t: Int64) in Int((t - start) * Int64(barWidth - 1) / span) }
        let nowColumn = min(barWidth - 1, column(now.milliseconds))
        var lines = [String(repeating: " ", count: labelWidth) + VirtualTime(milliseconds: start).shortClockText
                     + String(repeating: " ", count: max(1, nowColumn - 8)) + "now " + now.shortClockText]
        for entry in entries {
            let state = self.state(of: entry)
            let alive = state.hasPrefix("valid")
            let deadFrom = alive ? nil : min(now.milliseconds, deathTime(of: entry, state: state))
            var bar = Array(repeating: Character(" "), count: barWidth)
            let first = column(entry.issuedAt.milliseconds)
            let endColumn = column(expiry(of: entry).milliseconds)
            for x in first..<min(barWidth, max(first + 1, endColumn + 1)) {
                let t = start + Int64(x) * span / Int64(barWidth - 1)
                bar[x] = deadFrom.map { t >= $0 } ?? false ? "░" : "█"
            }
            if endColumn >= barWidth { bar[barWidth - 1] = "▶" }
            if bar[nowColumn] == " " { bar[nowColumn] = "|" }
            let label = "\(entry.id) \(subject(of: entry))".fitted(to: labelWidth - 1) + " "
            let barText = String(bar)
            lines.append(label + (colors ? paint.apply(alive ? paint.okCode : paint.refusedCode, barText) : barText) + " " + state)
        }
        return lines.map { $0.trimmingTrailingSpaces() }
    }

    /// When a refused token stopped being usable, as best the world knows.
    private func deathTime(of entry: TokenLedger.Entry, state: String) -> Int64 {
        switch state {
        case "expired": return expiry(of: entry).milliseconds
        case "rotated": return refreshFacts(of: entry.value)?.rotatedAt?.milliseconds ?? now.milliseconds
        // A forgery has no family (-1): it can be "revoked" only by the denylist.
        case "revoked": return (entry.family >= 0 ? auth.familyRevocationTime(entry.family) : nil)?.milliseconds ?? now.milliseconds
        default: return now.milliseconds
        }
    }
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

extension World {
    /// Pictures are drawn between 40 and 400 columns whatever the caller
    /// asks: a terminal that reports 2^31 columns must not cost 34 GB.
    static func pictureWidth(_ width: Int) -> Int { min(max(width, 40), 400) }
}
