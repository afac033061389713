/// How an event line looks on a terminal: parties and outcomes in colour.
public enum EventStyle {
    public static func line(for event: TraceEvent, colors: Bool, theme: Theme = .default) -> String {
        let paint = Paint(enabled: colors, theme: theme)
        guard paint.enabled else { return event.line }
        var text = paint.dim(event.time.clockText) + "  " + paint.party(event.from)
        if let to = event.to { text += " -> " + paint.party(to) }
        text += "  " + event.action
        if !event.outcome.isEmpty {
            let refused = event.outcome.hasPrefix("nothing") || (event.status ?? 0) >= 400
            let success = event.outcome.hasPrefix("got") || (event.status ?? 0) == 200
            text += "  " + (refused ? paint.apply(paint.refusedCode, event.outcome) : success ? paint.apply(paint.okCode, event.outcome) : event.outcome)
        }
        if let rule = event.rule, !rule.isEmpty { text += "  " + paint.dim("[" + rule + "]") }
        return text
    }

    /// A line of narration (or a piece of one): dim, so it reads as an aside.
    public static func narration(_ text: String, colors: Bool, theme: Theme = .default) -> String {
        Paint(enabled: colors, theme: theme).dim(text)
    }

    /// Any output item: events as above, narration dim, text as it is.
    public static func line(for item: OutputItem, colors: Bool, theme: Theme = .default) -> String {
        switch item {
        case .event(let event): line(for: event, colors: colors, theme: theme)
        case .note: narration(item.text, colors: colors, theme: theme)
        case .text(let text): text
        }
    }
}
