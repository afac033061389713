import TokenLabCore
import TokenLabTokens

/// What one line did: the events it caused and the lines to show, or the
/// error that refused it (in which case nothing changed, unless the runaway
/// guard stopped it part-way: `world.wasStopped`; a `Session` puts that back).
public struct CommandResult: Sendable {
    /// What to show, in order: events (a front end may colour them) and text.
    public var items: [OutputItem] = []
    public var events: [TraceEvent] = []
    public var error: CommandError?
    public var isBlank = false
    public var effect: SessionEffect?

    public init(items: [OutputItem] = [], events: [TraceEvent] = [], error: CommandError? = nil, isBlank: Bool = false, effect: SessionEffect? = nil) {
        self.items = items
        self.events = events
        self.error = error
        self.isBlank = isBlank
        self.effect = effect
    }

    /// The items as plain lines.
    public var output: [String] {
        get { items.map(\.text) }
        set { items = newValue.map { .text($0) } }
    }

    /// A `#` line: the teacher's narration, kept but a no-op for the world.
    public var isNarration: Bool { items.count == 1 && items[0].isNote }
}

public enum OutputItem: Sendable, Equatable {
    case event(TraceEvent)
    case text(String)
    /// Narration (a script's `#` line), without its `#`.
    case note(String)

    public var text: String {
        switch self {
        case .event(let event): event.line
        case .text(let text): text
        case .note(let text): Narration.line(text)
        }
    }

    public var isNote: Bool { if case .note = self { true } else { false } }

    /// Events as output: each event's line, and under a refusal the header the API sent.
    static func items(for events: some Sequence<TraceEvent>) -> [OutputItem] {
        events.flatMap { event in [.event(event)] + (event.challengeLine.map { [.text($0)] } ?? []) }
    }
}

/// The one interpreter behind the REPL, scripts, lessons and replay.
public final class Interpreter {
    public let world: World
    /// How wide pictures may be drawn, and whether in colour (the front end knows).
    public var width = 80
    public var colors = false
    public var theme = Theme.default
    /// Tables (policy, attacks, help) narrow to this many columns; nil draws
    /// them at their natural width (scripts, tests and pipes keep their bytes).
    public var tableWidth: Int?
    /// Whether results carry their items (event lines and text). A replay
    /// that only checks the trace shows none of them and skips making them.
    public var drawsOutput = true
    /// The interleaved lines of the attack being run.
    private var attackItems: [OutputItem] = []

    public init(world: World) { self.world = world }

    public func execute(_ line: String) -> CommandResult {
        do {
            guard let command = try CommandParser.parse(line) else { return CommandResult(isBlank: true) }
            return execute(command)
        } catch {
            return CommandResult(error: error)
        }
    }

    /// Runs a command already parsed (the session parses each line once).
    func execute(_ command: Command) -> CommandResult {
        let firstEvent = world.events.count
        var result = CommandResult()
        do {
            world.beginCommand()
            defer { world.endCommand() }
            let extra = try perform(command)
            result.events = Array(world.events[firstEvent...])
            if !drawsOutput {
                // Nothing to show.
            } else if case .attack = command {
                result.items = attackItems
            } else {
                result.items = OutputItem.items(for: result.events) + extra.map(OutputItem.text)
            }
        } catch {
            result.error = error
        }
        return result
    }

    private func perform(_ command: Command) throws(CommandError) -> [String] {
        switch command {
        case .login(let user): try world.login(user: user)
        case .call(let user, let method, let path): try world.call(user: user, method: method, path: path)
        case .callWith(let user, let method, let path, let token): try world.call(user: user, method: method, path: path, with: token)
        case .refresh(let user, let token): try world.refresh(user: user, token: token)
        case .logout(let user): try world.logout(user: user)
        case .revoke(let token): try world.revoke(token: token)
        case .introspect(let token): try world.introspect(token: token)
        case .advance(let duration):
            try world.advance(to: try world.instant(after: duration))
            return ["now \(world.now.clockText)"]
        case .advanceUntilExpiry(let target):
            let (id, at) = try world.expiry(of: target)
            guard at > world.now else { return ["\(id) already expired at \(at.clockText)"] }
            try world.advance(to: at)
            return ["now \(world.now.clockText): \(id) expired"]
        case .set(let key, let value): return try set(key, value)
        case .setPreset(let name):
            guard let preset = Policy.preset(named: name) else {
                throw CommandError("unknown preset '\(name)'; valid: \(Policy.presetNames.joined(separator: ", "))")
            }
            if let problem = preset.unworkableCombination { throw CommandError("set preset \(name): \(problem)") }
            world.setPolicy(preset, presetName: name)
            return ["policy is now the \(name) preset"]
        case .policy: return PolicyView.table(world.policy, presetName: world.presetName, width: tableWidth)
        case .policyDiff(let name):
            let name = name ?? world.presetName
            guard let preset = Policy.preset(named: name) else {
                throw CommandError("unknown preset '\(name)'; valid: \(Policy.presetNames.joined(separator: ", "))")
            }
            return PolicyView.diff(world.policy, against: preset, named: name)
        case .tokens: return world.tokenTable()
        case .decode(let token): return try world.decode(token)
        case .keys: return world.keysText()
        case .rotateKeys: _ = world.rotateKeys()
        case .retireKey(let kid): try world.retireKey(kid)
        case .status: return world.statusLines()
        case .adminRevoke(let user): try world.adminRevoke(user: user)
        case .changePassword(let user): try world.changePassword(user: user)
        case .help(let name): return try HelpView.lines(for: name, width: tableWidth)
        case .steal(let kind, let victim, let capability): try world.steal(kind, from: victim, via: capability)
        case .redeem(let party, let code, let uri): try world.redeem(party: party, code: code, redirectURI: uri)
        case .wallet(let party): return try world.walletLines(of: party)
        case .forge(let kind, let reference): try world.forge(kind, from: reference)
        case .forgeEdit(let token, let edits, let signing): try world.forgeEdit(token, edits: edits, signing: signing)
        case .crack(let token): try world.crack(token)
        case .signup(let party): try world.signup(party)
        case .ride(let user, let method, let path): try world.ride(user: user, method: method, path: path)
        case .rideRefresh(let user): try world.rideRefresh(user: user)
        case .reload(let user): try world.reload(user: user)
        case .openTab(let user): try world.openTab(user: user)
        case .race(let kind, let user): try world.race(kind, user: user)
        case .csrf(let user, let method, let path): try world.csrf(user: user, method: method, path: path)
        case .report: return world.reportLines()
        case .attacks(nil):
            return TextTable.render(header: ["attack", "what happens", "rules"],
                                    rows: AttackScenario.catalog.map { [$0.name, $0.summary, $0.rules] }, width: tableWidth)
                + ["", "attacks NAME explains one; attack NAME [USER] runs it here; tokenlab matrix runs them all under every preset"]
        case .attacks(let name?):
            guard let scenario = AttackScenario.named(name) else {
                throw CommandError("unknown attack '\(name)'; valid: " + AttackScenario.catalog.map(\.name).joined(separator: ", "))
            }
            return ["\(scenario.name) [\(scenario.rules)]", scenario.explanation,
                    "story: " + scenario.lines(victim: "alice").prefix(6).joined(separator: "; ") + "; …"]
        case .attack(let name, let victim): return try runAttack(name, victim: victim)
        case .diagram(let count): return world.diagramLines(count: count ?? 12, width: width, colors: colors, theme: theme)
        case .timeline: return world.timelineLines(width: width, colors: colors, theme: theme)
        case .undo, .reset, .seed, .history, .save, .load, .quit, .show, .expect, .lesson, .replay, .step, .goto, .runToEnd, .theme:
            throw CommandError("this command works in a session (the REPL or a script) only")
        }
        return []
    }

    /// Runs a catalog attack through this interpreter, line by line, so it
    /// takes exactly the paths typed commands take. All or nothing.
    private func runAttack(_ name: String, victim: String) throws(CommandError) -> [String] {
        guard let scenario = AttackScenario.named(name) else {
            throw CommandError("unknown attack '\(name)'; valid: " + AttackScenario.catalog.map(\.name).joined(separator: ", "))
        }
        let index = try world.clientIndex(victim)
        guard !world.clients[index].isAttacker else { throw CommandError("the victim must be alice or bob") }
        var lines: [String] = []
        if world.clients[index].access == nil && world.clients[index].session == nil { lines.append("login \(victim)") }
        lines += scenario.lines(victim: victim)
        attackItems = [.text("attack \(name) on \(victim): \(scenario.summary) [\(scenario.rules)]")]
        for line in lines {
            let first = world.events.count
            do {
                if let command = try CommandParser.parse(line) {
                    let extra = try perform(command)
                    attackItems.append(.text("> " + line))
                    attackItems += OutputItem.items(for: world.events[first...]) + extra.map(OutputItem.text)
                }
            } catch {
                // A runaway or an interrupt is the attack's own failure, reported as is.
                if world.wasStopped { throw error }
                throw CommandError("attack \(name): '\(line)' failed: \(error.message)")
            }
        }
        attackItems.append(.text("(report shows what it achieved)"))
        return []
    }

    private func set(_ key: String, _ value: String) throws(CommandError) -> [String] {
        guard let policyKey = PolicyKey.named(key) else {
            var message = "unknown policy key '\(key)'"
            if let guess = CommandParser.closest(to: key, among: PolicyKey.all.map(\.name)) { message += "; did you mean '\(guess)'?" }
            throw CommandError(message + "; valid: " + PolicyKey.all.map(\.name).joined(separator: ", ") + ", preset")
        }
        var policy = world.policy
        guard policyKey.set(&policy, value) else {
            if case .failure(.beyondMaximum) = Duration.parse(value) { throw CommandError("set \(key): '\(value)' is more than 100 years") }
            throw CommandError("\(key) takes \(policyKey.accepts); got '\(value)'")
        }
        if let problem = policy.unworkableCombination { throw CommandError(problem) }
        let note = policy.keepAllowedAlgorithmsConsistent(after: key)
        let before = policyKey.value(in: world.policy)
        world.setPolicy(policy)
        let ignored = policy.notApplying(key)
        return ["\(key): \(before) -> \(policyKey.value(in: policy))" + (note.map { " (\($0))" } ?? "") + (ignored.map { " (\($0))" } ?? "")]
    }
}
