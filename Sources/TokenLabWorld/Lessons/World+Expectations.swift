import TokenLabCore

/// Whether an expectation holds, and what the world shows: a failed check
/// says both, so a learner sees how their world differs from the lesson's.
public struct ExpectationVerdict: Equatable, Sendable {
    public var holds: Bool
    /// The expectation in words: "rt1 revoked".
    public var expected: String
    /// What the world shows: "rt1 is rotated".
    public var shows: String

    /// `✓ rt1 revoked` or `✗ expected rt1 revoked; the world shows rt1 rotated`.
    public var line: String { holds ? "✓ \(expected)" : "✗ expected \(expected); the world shows \(shows)" }
}

extension World {
    /// Checks an expectation against this world as it is now (stories run in
    /// fresh worlds of their own, under this world's policy).
    func evaluate(_ expectation: Expectation, text: String) throws(CommandError) -> ExpectationVerdict {
        switch expectation {
        case .lastResponse(let party, let status, let code):
            let responses = events.filter { $0.kind == .request && $0.status != nil }
            let mine = party.map { name in responses.filter { $0.from == name || $0.from.hasPrefix(name + ".") } } ?? responses
            guard let last = mine.last, let got = last.status else {
                return ExpectationVerdict(holds: false, expected: text, shows: party.map { "no response to \($0) yet" } ?? "no response yet")
            }
            let words = last.outcome.split(separator: " ")
            let gotCode = words.count > 1 ? String(words[1].trimmingCharacters(":")) : nil
            let holds = got == status && (code == nil || gotCode == code)
            return ExpectationVerdict(holds: holds, expected: text, shows: "\(last.action): \(last.outcome)")
        case .tokenState(let token, let state):
            guard let entry = ledger.entry(id: token) else { throw CommandError("expect: no token '\(token)' in this world (tokens lists them)") }
            let now = self.state(of: entry)
            let first = now.split(separator: " ").first.map(String.init) ?? now
            let refused = (entry.kind == .access || entry.kind == .forged) && first != "valid"
            return ExpectationVerdict(holds: first == state || state == "refused" && refused, expected: text, shows: "\(token) is \(now)")
        case .holds(let party, let token, let negated):
            let index = try clientIndex(party)
            let held = ledger.entries.filter { holders(of: $0.value).split(separator: ",").contains { $0.trimmingCharacters(" ") == clients[index].name } }.map(\.id)
            let shows = held.isEmpty ? "\(party) holds nothing" : "\(party) holds \(held.joined(separator: " "))"
            guard let token else { return ExpectationVerdict(holds: held.isEmpty, expected: text, shows: shows) }
            guard ledger.entry(id: token) != nil else { throw CommandError("expect: no token '\(token)' in this world (tokens lists them)") }
            return ExpectationVerdict(holds: held.contains(token) != negated, expected: text, shows: shows)
        case .family(let name, let revoked):
            guard let number = Int(name.dropFirst(3)), number >= 1, number <= auth.families.count else {
                throw CommandError("expect: no family '\(name)' in this world (tokens lists them)")
            }
            let state = auth.families[number - 1].revoked.map { "\(name) revoked at \($0.at.clockText) (\($0.reason))" } ?? "\(name) active"
            return ExpectationVerdict(holds: auth.familyIsRevoked(number - 1) == revoked, expected: text, shows: state)
        case .time(let time):
            return ExpectationVerdict(holds: now == time, expected: text, shows: "the time is \(now.clockText)")
        case .report(let entry, let fact):
            let outcomes = attackOutcomes()
            let found: Int?
            switch entry {
            case .number(let number): found = number <= outcomes.count ? number : nil
            case .token(let token): found = outcomes.firstIndex { $0.origin.hasPrefix(token + " ") }.map { $0 + 1 }
            }
            guard let number = found else {
                let shows = switch entry {
                case .number: "the report has \(outcomes.count) entr\(outcomes.count == 1 ? "y" : "ies")"
                case .token(let token): "no report entry starts with \(token)"
                }
                return ExpectationVerdict(holds: false, expected: text, shows: shows)
            }
            let outcome = outcomes[number - 1]
            let holds: Bool
            let shows: String
            switch fact {
            case .stopped, .open:
                holds = outcome.stopped == (fact == .stopped)
                shows = outcome.stoppedBy
            case .used, .unused:
                holds = (outcome.lastSuccess != nil) == (fact == .used)
                shows = outcome.lastSuccess.map { "last success at \($0.clockText)" } ?? "never used successfully"
            case .until(let time):
                holds = outcome.usableUntil == time
                shows = outcome.usableUntil.map { "usable until \($0.clockText)" } ?? "never usable"
            case .stoppedBy(let label):
                holds = outcome.stopped && outcome.stoppedBy.contains(label)
                shows = outcome.stoppedBy
            case .role(let role):
                holds = (outcome.highestRole ?? "none") == role
                shows = "highest role \(outcome.highestRole ?? "none")"
            }
            return ExpectationVerdict(holds: holds, expected: text, shows: "report \(number): \(shows)")
        case .output:
            throw CommandError("expect output works in a session (the REPL, a script or a lesson)")
        case .attack(let name, let fact):
            return try Story.attack(name, fact: fact, policy: policy, presetName: presetName, seed: seed, text: text)
        case .usage(let user, let every, let span):
            return try Story.usage(user: user, every: every, span: span, policy: policy, presetName: presetName, seed: seed, text: text)
        }
    }
}

extension StringProtocol {
    func trimmingCharacters(_ character: Character) -> Substring {
        var text = Substring(self)
        while text.first == character { text.removeFirst() }
        while text.last == character { text.removeLast() }
        return text
    }
}
