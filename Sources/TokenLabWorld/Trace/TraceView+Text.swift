import TokenLabCore
import TokenLabTokens

extension TraceView {
    /// `show --as text`: what `run` printed (narration, inputs, events), then
    /// the outcomes. Lines a command printed but did not record (tables,
    /// `now ...`) are not in a trace, so they are not here either.
    func textLines() -> [String] {
        var lines = ["\(name): \(header.tool)  seed \(header.seed)  policy \(header.preset)"]
        for entry in entries {
            switch entry {
            case .note(_, let text): lines.append(Narration.line(text))
            case .input(_, let text, let error): lines.append("> " + text + (error.map { "  (error: \($0))" } ?? ""))
            case .event(let event): lines.append(event.line)
            }
        }
        if !outcomes.isEmpty { lines.append("what the attacks achieved:") }
        for (number, outcome) in outcomes.enumerated() {
            lines.append("\(number + 1). \(outcome.attack)")
            lines.append("   → \(outcome.windowText); \(outcome.usesText); \(outcome.stoppedBy)")
        }
        return lines
    }

    /// `show --as json`: the same model as one JSON document, inputs with
    /// the events they caused (a shape for other tools, not a trace).
    func jsonLines() -> [String] {
        var steps: [JSONValue] = []
        var events: [JSONValue] = []
        var pending: [JSONMember]?
        func flush() {
            if var members = pending {
                members.append(JSONMember("events", .array(events)))
                steps.append(.object(members))
            }
            pending = nil
            events = []
        }
        for entry in entries {
            switch entry {
            case .note(let time, let text):
                flush()
                steps.append(.object([JSONMember("type", .string("note")), JSONMember("time", .int(time.milliseconds)),
                                      JSONMember("text", .string(text))]))
            case .input(let time, let text, let error):
                flush()
                var members = [JSONMember("type", .string("input")), JSONMember("time", .int(time.milliseconds)),
                               JSONMember("text", .string(text))]
                if let error { members.append(JSONMember("error", .string(error))) }
                pending = members
            case .event(let event):
                var json = TraceRecorder.json(event)
                if case .object(let members) = json { json = .object(members.filter { $0.key != "type" }) }
                if pending == nil { steps.append(json) } else { events.append(json) }
            }
        }
        flush()
        let outcomeValues: [JSONValue] = outcomes.map { outcome in
            .object([
                JSONMember("attack", .string(outcome.attack)),
                JSONMember("acquired", outcome.acquired.map { .int($0.milliseconds) } ?? .null),
                JSONMember("usable_until", outcome.usableUntil.map { .int($0.milliseconds) } ?? .null),
                JSONMember("window_ms", outcome.window.map { .int($0.milliseconds) } ?? .null),
                JSONMember("last_success", outcome.lastSuccess.map { .int($0.milliseconds) } ?? .null),
                JSONMember("api_requests", .int(outcome.apiRequests)), JSONMember("refreshes", .int(outcome.refreshes)),
                JSONMember("highest_role", outcome.highestRole.map(JSONValue.string) ?? .null),
                JSONMember("stopped", .bool(outcome.stopped)), JSONMember("stopped_by", .string(outcome.stoppedBy)),
            ])
        }
        let document = JSONValue.object([
            JSONMember("trace", .string(name)), JSONMember("tool", .string(header.tool)),
            JSONMember("seed", .number(header.seed.isEmpty ? "0" : header.seed)), JSONMember("preset", .string(header.preset)),
            JSONMember("policy", .object(header.policy.map { JSONMember($0.key, .string($0.value)) })),
            JSONMember("steps", .array(steps)), JSONMember("outcomes", .array(outcomeValues)),
        ])
        return document.prettyText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}

extension TraceView.Outcome {
    /// "window 16m, from the theft to 00:16:00.080", or "never usable".
    var windowText: String {
        guard let window else { return "never usable" }
        return "window \(window.text), from the theft to \(usableUntil?.clockText ?? "-")"
    }

    /// "3 API requests, 1 refresh; highest role user".
    var usesText: String {
        let requests = apiRequests == 1 ? "1 API request" : "\(apiRequests) API requests"
        let refreshes = self.refreshes == 1 ? "1 refresh" : "\(self.refreshes) refreshes"
        return "\(requests), \(refreshes); highest role \(highestRole ?? "none")"
    }
}
