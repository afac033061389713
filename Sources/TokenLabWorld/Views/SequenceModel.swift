import TokenLabCore

/// What a sequence diagram shows, read from recorded events: the one model
/// the terminal diagram, Mermaid and the HTML page all draw, so they cannot
/// disagree. A view adds no facts: everything here is in the events.
///
/// The attacker is her own lifeline: a theft is an arrow from where it was
/// taken (the victim's device, the `network`, the `logs`, the auth server's
/// table) to her; a forgery is a note over her; `ride` and `csrf` requests
/// start at her and go through the victim's browser. Requests are answered
/// (the status and what came back), refusals marked; reuse detection,
/// family revocation and key changes are notes over the auth server.
public struct SequenceModel: Sendable {
    public enum Style: String, Sendable {
        /// A request from a party to a server.
        case request
        /// A server's answer.
        case reply
        /// Material taken by the attacker, from where it was taken.
        case theft
        /// Mallory's request handed to the victim's browser (`ride`, `csrf`).
        case relay
    }

    public enum Item: Sendable, Equatable {
        /// An arrow; renderers mark a refused one (✗, a cross).
        case message(from: String, to: String, text: String, style: Style, refused: Bool)
        /// A note over one lifeline; a refused step's text already says ✗.
        case note(over: String, text: String, refused: Bool)
        /// The teacher's narration: it spans the diagram.
        case narration(String)
        /// A command typed (or scripted); `refused` when it was an error.
        case input(String, refused: Bool)
    }

    public struct Entry: Sendable, Equatable {
        public var time: VirtualTime
        /// The step it belongs to: each input and each narration line starts one (from 1).
        public var step: Int
        public var item: Item
    }

    /// Where material that is not on a device is taken from.
    public static let network = "network", logs = "logs"

    /// Lifelines, left to right: victims' devices, where thefts happen, mallory, the servers.
    public var parties: [String]
    public var entries: [Entry]
    /// How many steps (inputs and narration lines) there are.
    public var steps: Int

    public init(_ view: TraceView) { self.init(view.entries) }

    /// A world's last `count` requests, with their answers and whatever
    /// happened after the first of them (the REPL's `diagram [N]`).
    init(world: World, count: Int) {
        var model = SequenceModel(world.events.map(TraceView.Entry.event))
        let requests = model.entries.indices.filter {
            if case .message(_, _, _, .request, _) = model.entries[$0].item { true } else { false }
        }
        let first = requests.count > count ? requests[requests.count - count] : 0
        model.entries = Array(model.entries[first...])
        model.parties = SequenceModel.order(SequenceModel.used(by: model.entries))
        self = model
    }

    init(_ trace: [TraceView.Entry]) {
        var entries: [Entry] = []
        var step = 0
        for entry in trace {
            switch entry {
            case .note(let time, let text):
                step += 1
                entries.append(Entry(time: time, step: step, item: .narration(text)))
            case .input(let time, let text, let error):
                step += 1
                entries.append(Entry(time: time, step: step, item: .input(text, refused: error != nil)))
            case .event(let event):
                let devices = { (user: String) in SequenceModel.device(of: user, in: trace) }
                for item in SequenceModel.items(for: event, device: devices) {
                    entries.append(Entry(time: event.time, step: step, item: item))
                }
            }
        }
        self.entries = entries
        self.steps = step
        self.parties = SequenceModel.order(SequenceModel.used(by: entries))
    }

    static func used(by entries: [Entry]) -> [String] {
        var parties: [String] = []
        func use(_ party: String) { if !parties.contains(party) { parties.append(party) } }
        for entry in entries {
            switch entry.item {
            case .message(let from, let to, _, _, _): use(from); use(to)
            case .note(let over, _, _): use(over)
            case .narration, .input: break
            }
        }
        return parties
    }

    /// Victims' devices first, then where thefts happen, mallory, and the servers.
    static func order(_ parties: [String]) -> [String] {
        let tail = [network, logs, World.attacker, "auth", "api"]
        return parties.filter { !tail.contains($0) } + tail.filter { parties.contains($0) }
    }

    static func items(for event: TraceEvent, device: (String) -> String) -> [Item] {
        let from = event.from
        switch event.kind {
        case .request:
            guard let to = event.to else { return [.note(over: from, text: event.action, refused: false)] }
            var out: [Item] = []
            var action = event.action
            // ride and csrf: mallory's request, sent by the victim's browser.
            for (marker, how) in [("  (sent by mallory's script)", "script"), ("  (cross-site, from mallory's page)", "page on her site")]
            where action.hasSuffix(marker) {
                action.removeLast(marker.count)
                out.append(.message(from: World.attacker, to: from, text: "\(how): \(action)", style: .relay, refused: false))
            }
            out.append(.message(from: from, to: to, text: action, style: .request, refused: false))
            if let status = event.status {
                out.append(.message(from: to, to: from, text: short(event.outcome), style: .reply, refused: status >= 400))
            }
            return out
        case .client:
            return [.note(over: from, text: event.action + (event.outcome.isEmpty ? "" : ": " + event.outcome), refused: false)]
        case .security:
            if event.from == World.attacker, let theft = World.theftParts(of: event.action) {
                let source = theftSource(capability: theft.capability, victim: theft.victim, device: device)
                let got = event.outcome.hasPrefix("got ")
                let what = got ? short(String(event.outcome.dropFirst(4))) : "nothing, " + World.stopLabel(event.outcome)
                return [.message(from: source, to: from, text: "\(theft.capability): \(what)", style: .theft, refused: !got)]
            }
            // Forgeries, cracking, reuse detection, key changes: notes on whoever acted.
            let refused = event.outcome.hasPrefix("nothing")
            let outcome = refused ? "✗ " + World.stopLabel(event.outcome) : short(event.outcome)
            return [.note(over: from, text: event.action + (outcome.isEmpty ? "" : ": " + outcome), refused: refused)]
        }
    }

    /// Where a capability takes tokens from (World+Attacks decides what it gets).
    static func theftSource(capability: String, victim: String, device: (String) -> String) -> String {
        switch capability {
        case "sniff": network
        case "logs": logs
        case "insider": "auth"
        default: device(victim)
        }
    }

    /// The victim's device as the trace names it (`alice.browser`).
    static func device(of user: String, in trace: [TraceView.Entry]) -> String {
        for entry in trace {
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
}
