import TokenLabTokens
/// Tab completion for the command language: what may come next after the
/// words already typed. Pure, so the REPL and the tests share it.
public enum Completion {
    /// Candidates for the word being typed, or nil where a file name goes
    /// (the front end then completes paths).
    /// `pending`: the command a lesson waits for, offered first while the
    /// line is still a prefix of it; `lessons`: the course's lesson ids.
    public static func candidates(before text: String, world: World, pending: String? = nil, lessons: [String] = []) -> [String]? {
        let endsWithSpace = text.last == " " || text.last == "\t"
        var words = CommandParser.words(of: text).map(String.init)
        let partial = endsWithSpace ? "" : (words.popLast() ?? "")
        if let pending {
            let expected = CommandParser.words(of: pending).map(String.init)
            if words.count < expected.count, Array(expected.prefix(words.count)) == words, expected[words.count].hasPrefix(partial) {
                return [expected[words.count]]
            }
        }
        if words == ["lesson"] { return (lessons + ["quit"]).filter { $0.hasPrefix(partial) } }
        let options = next(after: words, world: world)
        return options.map { list in list.filter { $0.hasPrefix(partial) } }
    }

    static func next(after words: [String], world: World) -> [String]? {
        let actors = world.actorNames
        let tokens = world.ledger.ids
        let refreshTokens = world.ledger.entries.filter { $0.kind == .refresh }.map(\.id)
        guard let command = words.first else { return CommandSpec.all.map(\.name) }
        let args = Array(words.dropFirst())
        switch (command, args.count) {
        case ("login", 0), ("refresh", 0), ("logout", 0), ("call", 0), ("wallet", 0), ("as", 0): return actors
        case ("call", 1): return Array(Set(Resource.catalog.map(\.method))).sorted()
        case ("call", 2): return Resource.catalog.filter { $0.method == args[1].uppercased() }.map(\.path)
        case ("refresh", 1): return refreshTokens
        case ("revoke", 0), ("introspect", 0), ("decode", 0): return tokens
        case ("advance", 0): return ["until", "250ms", "30s", "1m", "5m", "15m", "1h", "1d"]
        case ("advance", 1) where args[0] == "until":
            return tokens + world.clients.flatMap { ["\($0.user).access", "\($0.user).refresh"] }
        case ("advance", 2) where args[0] == "until": return ["expires"]
        case ("set", 0): return PolicyKey.all.map(\.name) + ["preset"]
        case ("set", 1) where args[0] == "preset": return Policy.presetNames
        case ("set", 1):
            guard let key = PolicyKey.named(args[0]) else { return [] }
            return key.values.isEmpty ? [key.value(in: world.policy)] : key.values
        case ("policy", 0): return ["diff"]
        case ("policy", 1) where args[0] == "diff": return Policy.presetNames
        case ("steal", 0): return StolenKind.allCases.map(\.rawValue)
        case ("steal", 1): return ["from"]
        case ("steal", 2): return world.userNames
        case ("steal", 3): return ["via"]
        case ("steal", 4): return World.capabilities.map(\.name)
        case ("as", 1): return ["call", "refresh", "logout", "redeem"]
        case ("redeem", 0): return actors
        case ("redeem", 1): return world.ledger.entries.filter { $0.kind == .code }.map(\.id)
        case ("as", 2...):
            // `as mallory call …` completes like `call mallory …`.
            return next(after: [args[1], args[0]] + args.dropFirst(2), world: world)
        case ("keys", 0): return ["rotate", "retire"]
        case ("admin", 0): return ["revoke"]
        case ("admin", 1) where args[0] == "revoke": return world.userNames
        case ("password", 0): return world.userNames
        case ("keys", 1) where args[0] == "retire": return world.auth.keys.map(\.kid)
        case ("race", 0): return World.races.map(\.name)
        case ("race", 1): return world.userNames
        case ("forge", 0): return World.forgeries.map(\.name) + ["edit"]
        case ("forge", 1) where args[0] == "edit": return world.userNames + tokens
        case ("forge", 2...) where args[0] == "edit":
            if args.last == "sign" { return ["keep", "none", "cracked", "guess"] + world.knowledge.keys.map(\.key.kid) + [RS256Key.lab.kid] }
            return ["sub=", "role=admin", "scope+=admin", "exp=+1d", "aud=", "sign"]
        case ("forge", 1): return ["from"]
        case ("crack", 0): return world.userNames + tokens
        case ("signup", 0): return [World.attacker]
        case ("forge", 2): return world.userNames + tokens
        case ("ride", 0), ("csrf", 0), ("reload", 0): return world.userNames
        case ("csrf", 1): return Array(Set(Resource.catalog.map(\.method))).sorted()
        case ("csrf", 2): return Resource.catalog.filter { $0.method == args[1].uppercased() }.map(\.path)
            + (args[1].uppercased() == "POST" ? [AuthServer.tokenPath] : [])
        case ("ride", 1): return Array(Set(Resource.catalog.map(\.method))).sorted() + ["refresh"]
        case ("ride", 2): return Resource.catalog.filter { $0.method == args[1].uppercased() }.map(\.path)
        case ("attack", 0), ("attacks", 0): return AttackScenario.catalog.map(\.name)
        case ("attack", 1): return world.userNames
        case ("help", 0): return CommandSpec.all.map(\.name)
        case ("save", 0), ("load", 0), ("replay", 0): return nil
        case ("show", 0): return TraceView.Format.allCases.map(\.rawValue)
        case ("show", 1): return nil
        case ("theme", 0): return Theme.allCases.map(\.rawValue)
        case ("expect", 0): return ["last", "time", "report", "output", "attack", "usage"] + tokens + actors
            + world.auth.families.indices.map { "fam\($0 + 1)" }
        case ("expect", 1) where args[0] == "attack": return AttackScenario.catalog.map(\.name)
        case ("expect", 2) where args[0] == "attack": return ["stopped", "gets-nothing", "window-at-most", "role-at-most", "victim-unharmed"]
        case ("expect", 1) where args[0].hasPrefix("fam"): return ["revoked", "active"]
        case ("expect", 1) where actors.contains(args[0]): return ["holds", "lacks"]
        case ("expect", 1) where tokens.contains(args[0]): return Expectation.tokenStates
        default: return []
        }
    }
}
