/// How an event line looks on a terminal: parties and outcomes in colour.
public enum EventStyle {
    public static func line(for event: TraceEvent, colors: Bool) -> String {
        guard colors else { return event.line }
        let paint = Paint(enabled: true)
        var text = paint.dim(event.time.clockText) + "  " + paint.party(event.from)
        if let to = event.to { text += " -> " + paint.party(to) }
        text += "  " + event.action
        if !event.outcome.isEmpty {
            let refused = event.outcome.hasPrefix("nothing") || (event.status ?? 0) >= 400
            let success = event.outcome.hasPrefix("got") || (event.status ?? 0) == 200
            text += "  " + (refused ? paint.apply("31;1", event.outcome) : success ? paint.apply("32", event.outcome) : event.outcome)
        }
        if let rule = event.rule, !rule.isEmpty { text += "  " + paint.dim("[" + rule + "]") }
        return text
    }

    /// A line of narration (or a piece of one): dim, so it reads as an aside.
    public static func narration(_ text: String, colors: Bool) -> String { Paint(enabled: colors).dim(text) }

    /// Any output item: events as above, narration dim, text as it is.
    public static func line(for item: OutputItem, colors: Bool) -> String {
        switch item {
        case .event(let event): line(for: event, colors: colors)
        case .note: narration(item.text, colors: colors)
        case .text(let text): text
        }
    }
}
