extension TraceView {
    /// `show --as markdown`: a handout. The story (narration as prose, the
    /// commands between as ```tokenlab blocks), the diagram as a ```mermaid
    /// block (GitHub draws it), the outcome table of `report`, and the policy
    /// in force: the header's, then every `set` the trace ran.
    func markdownLines() -> [String] {
        var lines = ["# \(markdownCell(name))", "",
                     "Recorded by \(header.tool) with seed \(header.seed), starting from the `\(header.preset)` preset.", ""]
        lines += ["## The story", ""]
        var commands: [String] = []
        // Narration lines in a row are one paragraph (a wrapped sentence); an empty `#` line ends it.
        func endParagraph() { if lines.last != "" { lines.append("") } }
        func flush() {
            guard !commands.isEmpty else { return }
            endParagraph()
            lines += ["```tokenlab"] + commands + ["```", ""]
            commands = []
        }
        for entry in entries {
            switch entry {
            case .note(_, let text):
                flush()
                if text.isEmpty { endParagraph() } else { lines.append(text) }
            case .input(_, let text, let error):
                commands.append(text + (error.map { "  # refused: \($0)" } ?? ""))
            case .event:
                break
            }
        }
        flush()
        endParagraph()
        lines += ["## Sequence diagram", "", "```mermaid"] + render(as: .mermaid) + ["```", ""]
        lines += ["## What the attacks achieved", ""]
        if outcomes.isEmpty {
            lines += ["Nothing was stolen or forged.", ""]
        } else {
            lines += ["| # | attack | window | API requests | refreshes | highest role | what stopped it |",
                      "|---|---|---|---|---|---|---|"]
            for (number, outcome) in outcomes.enumerated() {
                let cells = ["\(number + 1)", outcome.attack, outcome.windowText, "\(outcome.apiRequests)", "\(outcome.refreshes)",
                             outcome.highestRole ?? "none", outcome.stoppedBy]
                lines.append("| " + cells.map(markdownCell).joined(separator: " | ") + " |")
            }
            lines.append("")
        }
        lines += ["## Policy in force", "", "At the start (`\(header.preset)`):", "", "| setting | value |", "|---|---|"]
        lines += header.policy.map { "| `\($0.key)` | `\(markdownCell($0.value))` |" }
        let changes = entries.compactMap { entry -> String? in
            guard case .input(let time, let text, nil) = entry, text.hasPrefix("set ") else { return nil }
            return "- \(time.clockText): `\(markdownCell(text))`"
        }
        if !changes.isEmpty { lines += ["", "Changed during the trace:", ""] + changes }
        return lines
    }

    /// A table cell: `|` would end it, a newline the row.
    private func markdownCell(_ text: String) -> String {
        text.replacingAll("|", with: "\\|").replacingAll("\n", with: " ")
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation in the library).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}
