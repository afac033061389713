import TokenLabCore

/// Turns one line into a `Command`: syntax only. Names (users, tokens,
/// policy keys) are checked by the interpreter against the world.
public enum CommandParser {
    public static let maximumLineLength = 4096

    /// The words of a line, without its `#` comment.
    public static func words(of line: String) -> [Substring] {
        var words: [Substring] = []
        for word in line.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            if word.hasPrefix("#") { break }
            words.append(word)
        }
        return words
    }

    /// `words(of:)` for a line of ASCII, where every byte is a Character of
    /// its own (CR, the one pair that is not, was refused as a control
    /// character): split on bytes, without grapheme breaking. Nil otherwise.
    static func asciiWords(of line: String) -> [String]? {
        var line = line
        return line.withUTF8 { bytes -> [String]? in
            var words: [String] = []
            var start = 0
            func endWord(at end: Int) -> Bool {
                guard start < end else { return true }
                if bytes[start] == UInt8(ascii: "#") { return false }
                words.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
                return true
            }
            for (index, byte) in bytes.enumerated() {
                if byte >= 0x80 { return nil }
                guard byte == UInt8(ascii: " ") || byte == 0x09 else { continue }
                if !endWord(at: index) { return bytes[index...].allSatisfy { $0 < 0x80 } ? words : nil }
                start = index + 1
            }
            _ = endWord(at: bytes.count)
            return words
        }
    }

    /// A method as typed, in capitals: `GET` as it is, without Unicode case mapping.
    static func upper(_ method: String) -> String {
        method.utf8.allSatisfy { $0 < 0x80 && !(UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) } ? method : method.uppercased()
    }

    /// Nil for a blank or comment-only line.
    public static func parse(_ line: String) throws(CommandError) -> Command? {
        guard line.utf8.count <= maximumLineLength else {
            throw CommandError("line too long (\(line.utf8.count) bytes; at most \(maximumLineLength))")
        }
        // C0 controls and DEL are one byte each in UTF-8 (every byte of a
        // longer scalar is 0x80 or more): the first such byte is the first such scalar.
        if let bad = line.utf8.first(where: { $0 < 0x20 && $0 != 0x09 || $0 == 0x7F }) {
            throw CommandError("control character U+\(String(bad, radix: 16, uppercase: true)) in line")
        }
        let words = asciiWords(of: line) ?? words(of: line).map(String.init)
        guard let name = words.first else { return nil }
        let args = Array(words.dropFirst())
        guard let spec = CommandSpec.named(name == "exit" ? "quit" : name) else {
            var message = "unknown command '\(name)'"
            if let guess = closest(to: name, among: CommandSpec.all.map(\.name)) { message += "; did you mean '\(guess)'?" }
            throw CommandError(message + " (help lists them)")
        }
        // Made only when thrown: most lines are fine.
        var usage: CommandError { CommandError("usage: \(spec.usage)") }
        switch (name, args.count) {
        case ("login", 1): return .login(user: args[0])
        case ("call", 3): return .call(user: args[0], method: upper(args[1]), path: args[2])
        case ("call", 5) where args[3] == "with":
            return .callWith(user: args[0], method: upper(args[1]), path: args[2], token: args[4])
        case ("refresh", 1): return .refresh(user: args[0], token: nil)
        case ("refresh", 2): return .refresh(user: args[0], token: args[1])
        case ("logout", 1): return .logout(user: args[0])
        case ("revoke", 1): return .revoke(token: args[0])
        case ("introspect", 1): return .introspect(token: args[0])
        case ("advance", 1):
            switch Duration.parse(args[0]) {
            case .success(let duration): return .advance(duration)
            case .failure(.beyondMaximum): throw CommandError("advance: '\(args[0])' is more than 100 years")
            case .failure(.notADuration):
                throw CommandError("advance: '\(args[0])' is not a duration (like 250ms, 90s, 5m, 2h, 30d); usage: \(spec.usage)")
            }
        case ("advance", 3) where args[0] == "until" && args[2] == "expires":
            return .advanceUntilExpiry(target: args[1])
        case ("set", 2) where args[0] == "preset": return .setPreset(args[1])
        case ("set", 2): return .set(key: args[0], value: args[1])
        case ("policy", 0): return .policy
        case ("policy", 1) where args[0] == "diff": return .policyDiff(preset: nil)
        case ("policy", 2) where args[0] == "diff": return .policyDiff(preset: args[1])
        case ("tokens", 0): return .tokens
        case ("decode", 1): return .decode(token: args[0])
        case ("keys", 0): return .keys
        case ("keys", 1) where args[0] == "rotate": return .rotateKeys
        case ("keys", 2) where args[0] == "retire": return .retireKey(kid: args[1])
        case ("status", 0): return .status
        case ("admin", 2) where args[0] == "revoke": return .adminRevoke(user: args[1])
        case ("password", 1): return .changePassword(user: args[0])
        case ("help", 0): return .help(command: nil)
        case ("help", 1): return .help(command: args[0])
        case ("steal", 5) where args[1] == "from" && args[3] == "via":
            guard let kind = StolenKind(rawValue: args[0]) else {
                throw CommandError("steal: '\(args[0])' is not access, refresh, all or code; usage: \(spec.usage)")
            }
            return .steal(kind: kind, victim: args[2], capability: args[4])
        case ("as", 2...):
            // `as mallory call GET /orders` is `call mallory GET /orders`: one code path for everyone.
            let inner = args[1]
            guard ["call", "refresh", "logout", "redeem"].contains(inner) else {
                throw CommandError("as: '\(inner)' is not something a party does here (call, refresh, logout, redeem); usage: \(spec.usage)")
            }
            return try parse(([inner, args[0]] + args.dropFirst(2)).joined(separator: " "))
        case ("redeem", 1...3): return .redeem(party: args[0], code: args.count > 1 ? args[1] : nil, redirectURI: args.count > 2 ? args[2] : nil)
        case ("wallet", 1): return .wallet(party: args[0])
        case ("forge", 3) where args[1] == "from": return .forge(kind: args[0], from: args[2])
        case ("forge", 2...) where args[0] == "edit":
            guard let edit = forgeEdit(Array(args.dropFirst())) else { throw usage }
            return edit
        case ("crack", 1): return .crack(token: args[0])
        case ("signup", 1): return .signup(party: args[0])
        case ("ride", 2) where args[1] == "refresh": return .rideRefresh(user: args[0])
        case ("reload", 1): return .reload(user: args[0])
        case ("open", 1): return .openTab(user: args[0])
        case ("ride", 3): return .ride(user: args[0], method: upper(args[1]), path: args[2])
        case ("race", 2): return .race(kind: args[0], user: args[1])
        case ("csrf", 3): return .csrf(user: args[0], method: upper(args[1]), path: args[2])
        case ("report", 0): return .report
        case ("attacks", 0): return .attacks(name: nil)
        case ("attacks", 1): return .attacks(name: args[0])
        case ("attack", 1): return .attack(name: args[0], victim: "alice")
        case ("attack", 2): return .attack(name: args[0], victim: args[1])
        case ("diagram", 0): return .diagram(count: nil)
        case ("diagram", 1):
            guard let n = Int(args[0]), n > 0, n <= 10_000 else { throw CommandError("diagram: N is a count from 1 to 10000; usage: \(spec.usage)") }
            return .diagram(count: n)
        case ("timeline", 0): return .timeline
        case ("show", 0): return .show(format: .text, path: nil)
        case ("show", 1...2):
            guard let format = TraceView.Format(rawValue: args[0]) else {
                throw CommandError("show: '\(args[0])' is not \(TraceView.Format.names); usage: \(spec.usage)")
            }
            return .show(format: format, path: args.count > 1 ? args[1] : nil)
        case ("theme", 0): return .theme(nil)
        case ("theme", 1):
            guard let theme = Theme(rawValue: args[0]) else { throw CommandError("theme: '\(args[0])' is not \(Theme.names); usage: \(spec.usage)") }
            return .theme(theme)
        case ("undo", 0): return .undo
        case ("reset", 0): return .reset
        case ("seed", 1):
            guard let seed = UInt64(args[0]) else { throw CommandError("seed: '\(args[0])' is not a number from 0 to \(UInt64.max)") }
            return .seed(seed)
        case ("history", 0): return .history
        case ("save", 1): return .save(path: args[0])
        case ("load", 1): return .load(path: args[0])
        case ("quit", 0), ("exit", 0): return .quit
        case ("expect", 1...): return .expect(try Expectation.parse(args, line: line), text: args.joined(separator: " "))
        case ("lessons", 0): return .lesson(.list)
        case ("lesson", 1) where args[0] == "quit": return .lesson(.quit)
        case ("lesson", 1): return .lesson(.start(args[0]))
        case ("next", 0): return .lesson(.next)
        case ("back", 0): return .lesson(.back)
        case ("hint", 0): return .lesson(.hint)
        case ("check", 0): return .lesson(.check)
        case ("solution", 0): return .lesson(.solution)
        case ("replay", 1): return .replay(path: args[0])
        case ("step", 0): return .step
        case ("goto", 1...2):
            guard let target = stepTarget(args) else {
                throw CommandError("goto: '\(args.joined(separator: " "))' is not a step number or a time like 00:15:00; usage: \(spec.usage)")
            }
            return .goto(target)
        case ("run", 0): return .runToEnd
        default: throw usage
        }
    }

    /// `N` (negative numbers too, so `goto` can say they are before the
    /// start), or a virtual time `[Nd] HH:MM:SS[.mmm]` as the prompt and
    /// event lines print it.
    static func stepTarget(_ args: [String]) -> StepTarget? {
        if args.count == 1, let number = Int(args[0]) { return .step(number) }
        var days: Int64 = 0
        var clock = args[0]
        if args.count == 2 {
            guard args[0].hasSuffix("d"), let count = Int64(args[0].dropLast()), count >= 0, count <= 36_500 else { return nil }
            days = count
            clock = args[1]
        }
        let pieces = clock.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let parts = pieces[0].split(separator: ":", omittingEmptySubsequences: false)
        let fraction = pieces.count > 1 ? pieces[1] : nil
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 6 && $0.allSatisfy(\.isASCII) }),
              let hours = Int64(parts[0]), let minutes = Int64(parts[1]), let seconds = Int64(parts[2]),
              hours >= 0, (0..<60).contains(minutes), (0..<60).contains(seconds) else { return nil }
        var milliseconds: Int64 = 0
        if let fraction {
            guard (1...3).contains(fraction.count), fraction.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(fraction) else { return nil }
            milliseconds = value * [100, 10, 1][fraction.count - 1]
        }
        let total = ((days * 24 + hours) * 60 + minutes) * 60_000 + seconds * 1000 + milliseconds
        return .time(VirtualTime(milliseconds: total))
    }

    /// `TOKEN CLAIM=VALUE... [sign keep|none|KID|cracked|guess SECRET]`, or nil.
    static func forgeEdit(_ args: [String]) -> Command? {
        guard let token = args.first else { return nil }
        var rest = Array(args.dropFirst())
        var signing = ForgeSigning.keep
        if let at = rest.firstIndex(of: "sign") {
            let choice = Array(rest[(at + 1)...])
            rest = Array(rest[..<at])
            switch (choice.first, choice.count) {
            case ("keep"?, 1): signing = .keep
            case ("none"?, 1): signing = .none
            case ("cracked"?, 1): signing = .cracked
            case ("guess"?, 2): signing = .guess(choice[1])
            case (let kid?, 1) where kid != "guess": signing = .key(kid)
            default: return nil
            }
        }
        var edits: [ClaimEdit] = []
        for word in rest {
            guard let equals = word.firstIndex(of: "=") else { return nil }
            var name = String(word[..<equals])
            let appends = name.hasSuffix("+")
            if appends { name.removeLast() }
            let value = String(word[word.index(after: equals)...])
            guard !name.isEmpty, !(appends && value.isEmpty) else { return nil }
            edits.append(ClaimEdit(name: name, value: value, appends: appends))
        }
        return .forgeEdit(token: token, edits: edits, signing: signing)
    }

    /// The candidate nearest to `word` by edit distance, if it is near enough to be a typo.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word, $0)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(2, word.count / 3) ? best.0 : nil
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
