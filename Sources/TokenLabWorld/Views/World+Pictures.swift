import TokenLabCore

extension World {
    /// `diagram [N]`: the last N messages as a sequence diagram, one lifeline
    /// per party, arrows labelled with method, path, token and status;
    /// refused calls marked ✗.
    func diagramLines(count: Int, width: Int, colors: Bool) -> [String] {
        let width = World.pictureWidth(width)
        let messages = events.filter { $0.kind == .request && $0.to != nil }.suffix(count)
        guard !messages.isEmpty else { return ["no messages yet (login USER sends some)"] }
        let paint = Paint(enabled: colors)
        var parties: [String] = []
        // A browser's tabs side by side, whenever they were opened.
        let order = clients.sorted { ($0.browser, $0.tab) < ($1.browser, $1.tab) }.map(\.name) + ["api", "auth"]
        for name in order where messages.contains(where: { $0.from == name || $0.to == name }) { parties.append(name) }
        let timeWidth = 13
        let lane = max(8, (max(width, 40) - timeWidth) / parties.count)
        let center = { (i: Int) in timeWidth + lane * i + lane / 2 }
        let lineWidth = timeWidth + lane * parties.count

        var header = Array(repeating: Character(" "), count: lineWidth)
        var headerText = String(repeating: " ", count: lineWidth)
        for (i, name) in parties.enumerated() {
            let label = name.count >= lane ? String(name.prefix(lane - 1)) : name
            let start = max(0, center(i) - label.count / 2)
            for (k, ch) in label.enumerated() where start + k < lineWidth { header[start + k] = ch }
        }
        headerText = String(header)
        if colors {
            headerText = ""
            var cursor = 0
            for (i, name) in parties.enumerated() {
                let label = name.count >= lane ? String(name.prefix(lane - 1)) : name
                let start = max(cursor, center(i) - label.count / 2)
                headerText += String(repeating: " ", count: start - cursor) + paint.party(name, label)
                cursor = start + label.count
            }
        }
        var lines = [headerText.trimmingTrailingSpaces()]
        for message in messages {
            guard let from = parties.firstIndex(of: message.from), let toName = message.to, let to = parties.firstIndex(of: toName) else { continue }
            var row = Array(repeating: Character(" "), count: lineWidth)
            for i in parties.indices { row[center(i)] = "│" }
            let (left, right) = (min(center(from), center(to)), max(center(from), center(to)))
            for x in (left + 1)..<right { row[x] = "─" }
            if to > from { row[right - 1] = "▶" } else { row[left + 1] = "◀" }
            let time = message.time.clockText
            for (k, ch) in time.enumerated() { row[k] = ch }
            let refused = (message.status ?? 0) >= 400
            let label = " " + (refused ? "✗ " : "") + arrowLabel(message) + " "
            let span = right - left - 3
            var tail = ""
            var labelStart = -1
            if label.count <= span {
                labelStart = left + 2 + (span - label.count) / 2
                for (k, ch) in label.enumerated() { row[labelStart + k] = ch }
            } else {
                tail = " " + label.trimmingCharacters()
            }
            var text = String(row).trimmingTrailingSpaces()
            if colors, labelStart >= 0 {
                let chars = Array(text)
                let before = String(chars[0..<labelStart]), middle = String(chars[labelStart..<(labelStart + label.count)])
                let after = String(chars[(labelStart + label.count)...])
                text = before + paint.status(message.status, middle) + after
            }
            lines.append(text + (colors ? paint.status(message.status, tail) : tail))
        }
        return lines
    }

    private func arrowLabel(_ event: TraceEvent) -> String {
        let words = event.action.split(separator: " ")
        let what: String
        if words.first == "POST", words.count > 1 {
            what = words[1] == "/token" ? (event.action.contains("refresh_token") ? "refresh" : "login") : String(words[1].dropFirst())
        } else {
            what = words.prefix(2).joined(separator: " ")
        }
        let tokens = event.tokens.prefix(2).joined(separator: " ")
        return [what, tokens, event.status.map(String.init) ?? ""].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// `timeline`: each token's life as a bar over virtual time, `|` at now.
    /// █ accepted, ░ still unexpired but refused (rotated, revoked, denylisted), ▶ lasts past the right edge.
    func timelineLines(width: Int, colors: Bool) -> [String] {
        let width = World.pictureWidth(width)
        let entries = ledger.entries.suffix(24)
        guard !entries.isEmpty else { return ["no tokens yet (login USER mints some)"] }
        let paint = Paint(enabled: colors)
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
            let endColumn = column(entry.expiresAt.milliseconds)
            for x in first..<min(barWidth, max(first + 1, endColumn + 1)) {
                let t = start + Int64(x) * span / Int64(barWidth - 1)
                bar[x] = deadFrom.map { t >= $0 } ?? false ? "░" : "█"
            }
            if endColumn >= barWidth { bar[barWidth - 1] = "▶" }
            if bar[nowColumn] == " " { bar[nowColumn] = "|" }
            let label = "\(entry.id) \(subject(of: entry))".fitted(to: labelWidth - 1) + " "
            let barText = String(bar)
            lines.append(label + (colors ? paint.apply(alive ? "32" : "31", barText) : barText) + " " + state)
        }
        return lines.map { $0.trimmingTrailingSpaces() }
    }

    /// When a refused token stopped being usable, as best the world knows.
    private func deathTime(of entry: TokenLedger.Entry, state: String) -> Int64 {
        switch state {
        case "expired": return entry.expiresAt.milliseconds
        case "rotated": return auth.rotationTime(of: entry.value)?.milliseconds ?? now.milliseconds
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
