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

    /// Where material that is not on a device is taken from. Not `link`:
    /// that is a Mermaid keyword in sequence diagrams.
    static let network = "network", logs = "logs"

    init(_ view: TraceView) {
        var body: [String] = []
        var parties: [String] = []
        func use(_ party: String) -> String {
            let id = MermaidDiagram.identifier(party)
            if !parties.contains(id) { parties.append(id) }
            return id
        }
        var narration: [(index: Int, text: String)] = []
        for entry in view.entries {
            switch entry {
            case .note(_, let text):
                // Spans every lifeline, known only at the end: filled in below.
                narration.append((body.count, text))
                body.append("")
            case .input(let time, let text, let error):
                body.append("    %% \(time.clockText) > \(MermaidDiagram.label(text))" + (error == nil ? "" : " (refused)"))
            case .event(let event):
                body += MermaidDiagram.lines(for: event, victims: view, use: use)
            }
        }
        let ordered = MermaidDiagram.order(parties)
        let span = ordered.count > 1 ? "\(ordered[0]),\(ordered[ordered.count - 1])" : ordered.first
        for (index, text) in narration {
            body[index] = span.map { "    Note over \($0): \(MermaidDiagram.label(text, limit: 200))" }
                ?? "    %% \(MermaidDiagram.label(text, limit: 200))"
        }
        lines = ["sequenceDiagram", "    %% \(MermaidDiagram.label(view.name)): seed \(view.header.seed), policy \(view.header.preset)"]
            + ordered.map { "    participant \($0)" } + body
    }

    /// Victims' devices first, then where thefts happen, mallory, and the servers.
    static func order(_ parties: [String]) -> [String] {
        let tail = [network, logs, World.attacker, "auth", "api"]
        return parties.filter { !tail.contains($0) } + tail.filter { parties.contains($0) }
    }

    static func lines(for event: TraceEvent, victims view: TraceView, use: (String) -> String) -> [String] {
        let from = use(event.from)
        switch event.kind {
        case .request:
            guard let toName = event.to else { return ["    Note over \(from): \(label(event.action))"] }
            let to = use(toName)
            var out: [String] = []
            var action = event.action
            // ride and csrf: mallory's request, sent by the victim's browser.
            for (marker, how) in [("  (sent by mallory's script)", "script"), ("  (cross-site, from mallory's page)", "page on her site")]
            where action.hasSuffix(marker) {
                action.removeLast(marker.count)
                out.append("    \(use(World.attacker))->>\(from): \(how): \(label(action, limit: 40))")
            }
            out.append("    \(from)->>\(to): \(label(action, limit: 48))")
            if let status = event.status {
                let refused = status >= 400
                out.append("    \(to)--\(refused ? "x" : ">>")\(from): \(refused ? "✗ " : "")\(label(short(event.outcome)))")
            }
            return out
        case .client:
            return ["    Note over \(from): \(label(event.action + (event.outcome.isEmpty ? "" : ": " + event.outcome)))"]
        case .security:
            if event.from == World.attacker, let theft = World.theftParts(of: event.action) {
                let source = use(theftSource(capability: theft.capability, victim: theft.victim, view: view))
                let got = event.outcome.hasPrefix("got ")
                let what = got ? short(String(event.outcome.dropFirst(4))) : "nothing, " + World.stopLabel(event.outcome)
                return ["    \(source)-\(got ? ">>" : "x")\(from): \(got ? "" : "✗ ")\(label("\(theft.capability): \(what)"))"]
            }
            // Forgeries, cracking, reuse detection, key changes: notes on whoever acted.
            let outcome = event.outcome.hasPrefix("nothing") ? "✗ " + World.stopLabel(event.outcome) : short(event.outcome)
            return ["    Note over \(from): \(label(event.action + (outcome.isEmpty ? "" : ": " + outcome)))"]
        }
    }

    /// Where a capability takes tokens from (World+Attacks decides what it gets).
    static func theftSource(capability: String, victim: String, view: TraceView) -> String {
        switch capability {
        case "sniff": return network
        case "logs": return logs
        case "insider": return "auth"
        default: return device(of: victim, in: view)
        }
    }

    /// The victim's device as the trace names it (`alice.browser`).
    static func device(of user: String, in view: TraceView) -> String {
        for entry in view.entries {
            if case .event(let event) = entry, event.from.hasPrefix(user + ".") { return event.from }
        }
        return user + ".browser"
    }

    /// An outcome up to its explanation: "401 invalid_token", "200 at2 rt2".
    static func short(_ outcome: String) -> String {
        var text = Substring(outcome)
        if let colon = text.firstIndex(of: ":") { text = text[..<colon] }
        if let paren = text.range(of: " (") { text = text[..<paren.lowerBound] }
        return String(text).trimmingCharacters()
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
