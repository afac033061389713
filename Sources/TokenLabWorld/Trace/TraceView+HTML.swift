import TokenLabCore
import TokenLabTokens

extension TraceView {
    /// `show --as html`: one self-contained page (no network requests: its
    /// style and script are inline, it names no font, image or URL) that
    /// steps through the trace with buttons and the arrow keys. It shows the
    /// sequence diagram up to the current step (the same model as the other
    /// diagrams), each token's lifetime bar, the wallets and the outcome
    /// table; printed, it shows every step.
    ///
    /// The trace's facts travel as JSON in a `<script type="application/json">`
    /// element. Token lifetimes and wallets at each step come from running
    /// the trace's inputs again (the world is deterministic, and `show`
    /// checked the file as `replay` does); the page says so if this tokenlab
    /// no longer reproduces the trace.
    func htmlLines() -> [String] {
        HTMLPage.fill(title: "tokenlab: " + name, data: HTMLPageData(self).json.text)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}

/// The facts the page shows, gathered once.
struct HTMLPageData {
    let json: JSONValue

    init(_ view: TraceView) {
        let model = SequenceModel(view)
        var steps: [JSONValue] = [.object([JSONMember("clock", .string(VirtualTime.zero.clockText)), JSONMember("kind", .string("start")),
                                           JSONMember("text", .string("the world before the first command")), JSONMember("lines", .array([]))])]
        var lines: [JSONValue] = []
        for entry in view.entries {
            switch entry {
            case .note(let time, let text):
                steps.append(.object([JSONMember("clock", .string(time.clockText)), JSONMember("kind", .string("note")),
                                      JSONMember("text", .string(text)), JSONMember("lines", .array([]))]))
            case .input(let time, let text, let error):
                var members = [JSONMember("clock", .string(time.clockText)), JSONMember("kind", .string("input")),
                               JSONMember("text", .string(text)), JSONMember("lines", .array([]))]
                if let error { members.append(JSONMember("error", .string(error))) }
                steps.append(.object(members))
            case .event(let event):
                lines.append(.string(event.line))
                if case .object(var members) = steps[steps.count - 1], let index = members.firstIndex(where: { $0.key == "lines" }) {
                    if case .array(var list) = members[index].value { list.append(.string(event.line)); members[index].value = .array(list) }
                    steps[steps.count - 1] = .object(members)
                }
            }
        }
        let diagram: [JSONValue] = model.entries.map { entry in
            var members = [JSONMember("step", .int(Int64(entry.step))), JSONMember("clock", .string(entry.time.clockText))]
            switch entry.item {
            case .message(let from, let to, let text, let style, let refused):
                members += [JSONMember("kind", .string(style.rawValue)), JSONMember("from", .string(from)), JSONMember("to", .string(to)),
                            JSONMember("text", .string(text)), JSONMember("refused", .bool(refused))]
            case .note(let over, let text, let refused):
                members += [JSONMember("kind", .string("note")), JSONMember("from", .string(over)), JSONMember("text", .string(text)),
                            JSONMember("refused", .bool(refused))]
            case .narration(let text):
                members += [JSONMember("kind", .string("narration")), JSONMember("text", .string(text))]
            case .input(let text, let refused):
                members += [JSONMember("kind", .string("input")), JSONMember("text", .string(text)), JSONMember("refused", .bool(refused))]
            }
            return .object(members)
        }
        let world = WorldAtEachStep(view)
        let outcomes: [JSONValue] = view.outcomes.map { outcome in
            .object([
                JSONMember("attack", .string(outcome.attack)),
                JSONMember("acquired", outcome.acquired.map { .int($0.milliseconds) } ?? .null),
                JSONMember("window", .string(outcome.windowText)), JSONMember("uses", .string(outcome.usesText)),
                JSONMember("stopped_by", .string(outcome.stoppedBy)),
            ])
        }
        json = .object([
            JSONMember("name", .string(view.name)), JSONMember("tool", .string(view.header.tool)),
            JSONMember("seed", .string(view.header.seed)), JSONMember("preset", .string(view.header.preset)),
            JSONMember("parties", .array(model.parties.map(JSONValue.string))),
            JSONMember("steps", .array(steps)), JSONMember("diagram", .array(diagram)),
            JSONMember("times", .array(world.times.map { .int($0) })),
            JSONMember("tokens", .array(world.tokens)), JSONMember("states", .array(world.states)),
            JSONMember("expiries", .array(world.expiries)),
            JSONMember("wallets", .array(world.wallets)), JSONMember("outcomes", .array(outcomes)),
            JSONMember("replay", world.difference.map(JSONValue.string) ?? .null),
        ])
    }
}

/// The trace's inputs run again, step by step, to read what the recorded
/// events imply but do not spell out: when each token expires, its state,
/// and what each party holds.
struct WorldAtEachStep {
    /// Virtual time after each step (step 0: the start), in milliseconds.
    var times: [Int64] = []
    /// Every token minted: id, kind, owner, issued and expiry times (the
    /// expiry it was minted with).
    var tokens: [JSONValue] = []
    /// For each step, each token's state then, or null when no state
    /// changed since the step before (the page looks back).
    var states: [JSONValue] = []
    /// For each step, each token's expiry then as the auth server enforces
    /// it (`World.expiry(of:)`): a refresh token kept across refreshes under
    /// an idle limit has its deadline moved by every use. Null when no
    /// token's expiry moved since the step before; the page looks back to
    /// the latest array and takes a token it does not list (minted since)
    /// at its mint-time `expires`.
    var expiries: [JSONValue] = []
    /// For each step, each party that holds something, with `wallet`'s
    /// lines; null when the same as the step before.
    var wallets: [JSONValue] = []
    private var lastStates: JSONValue = .null, lastWallets: JSONValue = .null
    /// Each token's expiry as the page reads it at the step before.
    private var lastExpiries: [Int64] = []
    /// Set when this tokenlab does not reproduce the recorded events.
    var difference: String?

    init(_ view: TraceView) {
        guard let seed = UInt64(view.header.seed), let session = try? Session(seed: seed, preset: view.header.preset) else {
            difference = "the header's seed or preset cannot start a world"
            return
        }
        session.takesCheckpoints = false
        var recorded: [TraceEvent] = []
        record(session.world)
        for entry in view.entries {
            switch entry {
            case .event(let event):
                recorded.append(event)
                continue
            case .note(_, let text):
                _ = session.execute(Narration.line(text))
                unchanged()
                continue
            case .input(_, let text, nil):
                let result = session.execute(text)
                if let error = result.error, difference == nil { difference = "'\(text)' now fails: \(error.message)" }
                // A command that only looks (tokens, report, wallet) leaves the world as it was.
                if (try? CommandParser.parse(text))??.changesWorld == false {
                    unchanged()
                    continue
                }
            case .input:
                unchanged()  // refused when recorded: a step that changed nothing
                continue
            }
            record(session.world)
        }
        let replayed = session.world.events
        if difference == nil, replayed.count != recorded.count || zip(replayed, recorded).contains(where: { $0.line != $1.line }) {
            difference = "this tokenlab's events differ from the recorded ones"
        }
    }

    private mutating func record(_ world: World) {
        times.append(world.now.milliseconds)
        let entries = world.ledger.entries
        for entry in entries.dropFirst(tokens.count) {
            tokens.append(.object([
                JSONMember("id", .string(entry.id)), JSONMember("kind", .string(entry.kind.rawValue)),
                JSONMember("owner", .string(world.subject(of: entry))),
                JSONMember("issued", .int(entry.issuedAt.milliseconds)), JSONMember("expires", .int(entry.expiresAt.milliseconds)),
            ]))
        }
        // What the page would read without a new array: the last one, and the mint-time expiry of tokens minted since.
        let expected = lastExpiries + entries.dropFirst(lastExpiries.count).map(\.expiresAt.milliseconds)
        let expiry = entries.map { world.expiry(of: $0).milliseconds }
        expiries.append(expiry == expected ? .null : .array(expiry.map { .int($0) }))
        lastExpiries = expiry
        let state = JSONValue.array(entries.map { .string(world.state(of: $0)) })
        states.append(state == lastStates ? .null : state)
        lastStates = state
        var holders: [JSONValue] = []
        for client in world.clients {
            guard let lines = try? world.walletLines(of: client.user), lines.count > 1 else { continue }
            holders.append(.object([JSONMember("party", .string(client.user)), JSONMember("lines", .array(lines.map(JSONValue.string)))]))
        }
        let wallet = JSONValue.array(holders)
        wallets.append(wallet == lastWallets ? .null : wallet)
        lastWallets = wallet
    }

    /// A step after which the world is as it was: the same time, states, expiries and wallets.
    private mutating func unchanged() {
        times.append(times.last ?? 0)
        states.append(.null)
        expiries.append(.null)
        wallets.append(.null)
    }
}
