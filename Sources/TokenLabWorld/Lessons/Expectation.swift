import TokenLabCore

/// A check a lesson (or any script) states about the world: `expect …`.
/// Parsed by `CommandParser` like every other line; `World.evaluate` says
/// whether it holds and what the world shows instead.
public enum Expectation: Equatable, Sendable {
    /// `expect last [PARTY] STATUS [CODE]`: the last HTTP response (PARTY's, if named).
    case lastResponse(party: String?, status: Int, code: String?)
    /// `expect TOKEN STATE`: valid, expired, revoked, rotated, unused, used, inactive.
    case tokenState(token: String, state: String)
    /// `expect PARTY holds TOKEN`, `expect PARTY lacks TOKEN`, `expect PARTY holds nothing`.
    case holds(party: String, token: String?, negated: Bool)
    /// `expect famN revoked|active`.
    case family(name: String, revoked: Bool)
    /// `expect time CLOCK`: the virtual time now.
    case time(VirtualTime)
    /// `expect report N FACT`: what `report` concluded for its N-th entry.
    case report(entry: ReportEntry, fact: ReportFact)
    /// `expect output TEXT`: the previous command printed TEXT.
    case output(String)
    /// `expect attack NAME FACT`: the catalog attack, run on alice in a fresh
    /// world under the policy in force now (a defence exercise's story).
    case attack(name: String, fact: AttackFact)
    /// `expect usage USER every DURATION for DURATION`: USER, using the app
    /// that often for that long under the policy in force now, is never logged out.
    case usage(user: String, every: Duration, span: Duration)

    /// A report entry by its number, or by the stolen or forged token it starts with.
    public enum ReportEntry: Equatable, Sendable {
        case number(Int)
        case token(String)
    }

    public enum ReportFact: Equatable, Sendable {
        case stopped, open, used, unused
        case until(VirtualTime)
        case stoppedBy(String)
        case role(String)
    }

    public enum AttackFact: Equatable, Sendable {
        /// Every piece of what she got stopped working within the hour.
        case stopped
        /// She reached the API not at all.
        case getsNothing
        /// From the theft to the end of her material: at most this long.
        case windowAtMost(Duration)
        /// The highest role she reached was not above this (user, none).
        case roleAtMost(String)
        /// The victim was never logged out by it.
        case victimUnharmed
    }

    public static let usage = "expect last [PARTY] STATUS [CODE] | expect TOKEN STATE | expect PARTY holds|lacks TOKEN | expect PARTY holds nothing | expect famN revoked|active | expect time CLOCK | expect report N|TOKEN stopped|open|used|unused|until CLOCK|stopped-by LABEL|role ROLE | expect output TEXT | expect attack NAME stopped|gets-nothing|window-at-most DURATION|role-at-most ROLE|victim-unharmed | expect usage USER every DURATION for DURATION"

    /// `refused`: any state in which the API would refuse it (an access token or a forgery).
    static let tokenStates = ["valid", "expired", "revoked", "rotated", "unused", "used", "inactive", "refused"]

    /// The words after `expect`.
    static func parse(_ words: [String], line: String) throws(CommandError) -> Expectation {
        func bad(_ why: String) -> CommandError { CommandError("expect: \(why); usage: \(usage)") }
        guard let first = words.first else { throw bad("nothing to check") }
        switch first {
        case "last":
            var rest = Array(words.dropFirst())
            var party: String?
            if let word = rest.first, Int(word) == nil { party = word; rest.removeFirst() }
            guard let word = rest.first, let status = Int(word), (100...599).contains(status), rest.count <= 2 else {
                throw bad("'last' takes an HTTP status, like expect last 401 invalid_token")
            }
            return .lastResponse(party: party, status: status, code: rest.count == 2 ? rest[1] : nil)
        case "time":
            guard (2...3).contains(words.count), let time = parseClock(words.dropFirst().joined(separator: " ")) else {
                throw bad("'time' takes a clock time like 00:15:00 or 7d 00:00:00")
            }
            return .time(time)
        case "report":
            guard words.count >= 3 else { throw bad("'report' takes an entry (its number, or the token it starts with) and a fact") }
            let entry: ReportEntry
            if let number = Int(words[1]) {
                guard number >= 1 else { throw bad("report entries count from 1") }
                entry = .number(number)
            } else {
                entry = .token(words[1])
            }
            let rest = Array(words.dropFirst(2))
            switch (rest[0], rest.count) {
            case ("stopped", 1): return .report(entry: entry, fact: .stopped)
            case ("open", 1): return .report(entry: entry, fact: .open)
            case ("used", 1): return .report(entry: entry, fact: .used)
            case ("unused", 1): return .report(entry: entry, fact: .unused)
            case ("until", 2...3):
                guard let time = parseClock(rest.dropFirst().joined(separator: " ")) else { throw bad("'until' takes a clock time like 01:00:00 or 30d 00:00:00.060") }
                return .report(entry: entry, fact: .until(time))
            case ("stopped-by", 2...): return .report(entry: entry, fact: .stoppedBy(rest.dropFirst().joined(separator: " ")))
            case ("role", 2): return .report(entry: entry, fact: .role(rest[1]))
            default: throw bad("unknown report fact '\(rest.joined(separator: " "))'")
            }
        case "output":
            guard words.count >= 2 else { throw bad("'output' takes the text to look for") }
            // The text as written, spaces kept.
            let text = line.drop(while: { $0 == " " || $0 == "\t" }).dropFirst("expect".count)
                .drop(while: { $0 == " " || $0 == "\t" }).dropFirst("output".count).drop(while: { $0 == " " || $0 == "\t" })
            return .output(String(text).trimmingTrailingSpaces())
        case "attack":
            guard words.count >= 3 else { throw bad("'attack' takes a catalog attack and a fact") }
            let name = words[1]
            guard AttackScenario.named(name) != nil else {
                throw bad("unknown attack '\(name)'; valid: " + AttackScenario.catalog.map(\.name).joined(separator: ", "))
            }
            let rest = Array(words.dropFirst(2))
            switch (rest[0], rest.count) {
            case ("stopped", 1): return .attack(name: name, fact: .stopped)
            case ("gets-nothing", 1): return .attack(name: name, fact: .getsNothing)
            case ("victim-unharmed", 1): return .attack(name: name, fact: .victimUnharmed)
            case ("window-at-most", 2):
                guard let duration = Duration(parsing: rest[1]) else { throw bad("'window-at-most' takes a duration like 1h") }
                return .attack(name: name, fact: .windowAtMost(duration))
            case ("role-at-most", 2) where ["none", "user"].contains(rest[1]):
                return .attack(name: name, fact: .roleAtMost(rest[1]))
            default: throw bad("unknown attack fact '\(rest.joined(separator: " "))'")
            }
        case "usage":
            guard words.count == 6, words[2] == "every", words[4] == "for",
                  let every = Duration(parsing: words[3]), let span = Duration(parsing: words[5]),
                  every.milliseconds > 0, span.milliseconds > 0 else {
                throw bad("'usage' reads: expect usage alice every 10m for 8h")
            }
            guard span.milliseconds / every.milliseconds <= 10_000 else { throw bad("'usage' runs at most 10000 calls") }
            return .usage(user: words[1], every: every, span: span)
        default:
            guard words.count >= 2 else { throw bad("'\(first)' needs a state or a fact") }
            if first.hasPrefix("fam"), Int(first.dropFirst(3)) != nil, words.count == 2, ["revoked", "active"].contains(words[1]) {
                return .family(name: first, revoked: words[1] == "revoked")
            }
            switch (words[1], words.count) {
            case ("holds", 3) where words[2] == "nothing": return .holds(party: first, token: nil, negated: false)
            case ("holds", 3): return .holds(party: first, token: words[2], negated: false)
            case ("lacks", 3): return .holds(party: first, token: words[2], negated: true)
            case (let state, 2) where tokenStates.contains(state): return .tokenState(token: first, state: state)
            default: throw bad("cannot read '\(words.joined(separator: " "))'")
            }
        }
    }

    /// `00:15:00`, `00:15:00.020` or `2d 03:00:00`.
    static func parseClock(_ text: String) -> VirtualTime? {
        var rest = Substring(text)
        var days: Int64 = 0
        if let d = rest.firstIndex(of: "d") {
            guard let n = Int64(rest[..<d]), n >= 0, n <= 36_500 else { return nil }
            days = n
            rest = rest[rest.index(after: d)...].drop(while: { $0 == " " })
        }
        var milliseconds: Int64 = 0
        if let dot = rest.firstIndex(of: ".") {
            let fraction = rest[rest.index(after: dot)...]
            guard fraction.count == 3, let ms = Int64(fraction) else { return nil }
            milliseconds = ms
            rest = rest[..<dot]
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ $0.count == 2 }),
              let h = Int64(parts[0]), let m = Int64(parts[1]), let s = Int64(parts[2]), h < 24, m < 60, s < 60 else { return nil }
        return VirtualTime(milliseconds: ((days * 24 + h) * 60 + m) * 60_000 + s * 1000 + milliseconds)
    }
}
