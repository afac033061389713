/// A trace as a Mermaid `sequenceDiagram` (renders on GitHub and in slide
/// tools). One participant per party; requests are solid arrows and their
/// answers dashed ones, a refusal ending in a cross. The attacker is her own
/// lifeline: a theft is an arrow from where it was taken (the victim's
/// device, the network, the logs, the auth server's table) to her, a
/// forgery a note over her, and `ride`/`csrf` requests start at her and go
/// through the victim's browser. Reuse detection, family revocation and key
/// changes are notes over the auth server; narration spans the diagram.
struct MermaidDiagram {
    let lines: [String]

    init(_ view: TraceView) {
        let model = SequenceModel(view)
        // Not `link` for the network: that is a Mermaid keyword in sequence diagrams.
        let ordered = model.parties.map(MermaidDiagram.identifier)
        let span = ordered.count > 1 ? "\(ordered[0]),\(ordered[ordered.count - 1])" : ordered.first
        var body: [String] = []
        for entry in model.entries {
            switch entry.item {
            case .narration(let text):
                body.append(span.map { "    Note over \($0): \(MermaidDiagram.label(text, limit: 200))" }
                    ?? "    %% \(MermaidDiagram.label(text, limit: 200))")
            case .input(let text, let refused):
                body.append("    %% \(entry.time.clockText) > \(MermaidDiagram.label(text))" + (refused ? " (refused)" : ""))
            case .note(let over, let text, _):
                body.append("    Note over \(MermaidDiagram.identifier(over)): \(MermaidDiagram.label(text))")
            case .message(let from, let to, let text, let style, let refused):
                let (from, to) = (MermaidDiagram.identifier(from), MermaidDiagram.identifier(to))
                let mark = refused ? "✗ " : ""
                switch style {
                case .request, .relay: body.append("    \(from)->>\(to): \(MermaidDiagram.label(text, limit: 48))")
                case .reply: body.append("    \(from)--\(refused ? "x" : ">>")\(to): \(mark)\(MermaidDiagram.label(text))")
                case .theft: body.append("    \(from)-\(refused ? "x" : ">>")\(to): \(mark)\(MermaidDiagram.label(text))")
                }
            }
        }
        lines = ["sequenceDiagram", "    %% \(MermaidDiagram.label(view.name)): seed \(view.header.seed), policy \(view.header.preset)"]
            + ordered.map { "    participant \($0)" } + body
    }

    /// A participant id: letters, digits, `_` and `.` only.
    static func identifier(_ party: String) -> String {
        let id = String(party.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") ? $0 : "_" })
        return id.isEmpty ? "_" : id
    }

    /// Text Mermaid takes in a message or note: `;` ends a statement and `#`
    /// starts an entity code, so they are replaced; so are `<` and `>` (HTML)
    /// and runs of spaces; long text is cut.
    static func label(_ text: String, limit: Int = 72) -> String {
        var out = ""
        var lastWasSpace = false
        for character in text {
            let replaced: String
            switch character {
            case ";": replaced = ","
            case "#": replaced = "no."
            case "<": replaced = "‹"
            case ">": replaced = "›"
            case "\t", "\n", "\r": replaced = " "
            default: replaced = String(character)
            }
            if replaced == " " && lastWasSpace { continue }
            lastWasSpace = replaced == " "
            out += replaced
        }
        out = out.trimmingCharacters()
        return out.count > limit ? String(out.prefix(limit - 1)) + "…" : out
    }
}
