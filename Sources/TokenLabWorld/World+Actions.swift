import TokenLabCore
import TokenLabTokens

/// The actions a command can take. Each checks its inputs first and throws
/// before changing anything, so a refused command leaves the world as it was.
/// Only the runaway guard (World+Runaway) stops one part-way; the session
/// then puts the world back.
extension World {
    public func login(user: String) throws(CommandError) {
        let index = try clientIndex(user)
        startLogin(client: index)
        try settle()
        if clients[index].isAttacker { attackerKeepsHerOwnTokens() }
    }

    /// `with`: the attacker presents a token she holds (or one pasted whole)
    /// instead of the latest she got.
    public func call(user: String, method: String, path: String, with reference: String? = nil) throws(CommandError) {
        let index = try clientIndex(user)
        let resource = try resourceIndex(method: method, path: path)
        if let reference {
            guard clients[index].isAttacker else {
                throw CommandError("call ... with TOKEN is the attacker's: as mallory call \(method) \(path) with \(reference)")
            }
            switch attackerToken(reference) {
            case .failure(let why):
                refusedStep(by: clients[index].name, "\(method) \(path) with \(reference)", why.message)
                return
            case .success(let token):
                clients[index].access = token
            }
        }
        // A token she chose is presented as it is: no refresh ahead of it,
        // and no refresh-and-retry with another after a 401.
        startCall(client: index, resource: resource, isRetry: reference != nil)
        try settle()
    }

    /// Refreshes with the token the browser holds, or with `token` (a stale
    /// copy, as a second tab or a restored backup would present it).
    /// XSS riding the session (browser-based-apps BCP §5.1.4): the attacker's
    /// script sends a request from the victim's own browser, with whatever
    /// credentials it attaches, HttpOnly cookies included.
    public func ride(user: String, method: String, path: String) throws(CommandError) {
        let index = try clientIndex(user)
        guard !clients[index].isAttacker else { throw CommandError("ride takes a victim: alice or bob") }
        let resource = try resourceIndex(method: method, path: path)
        startCall(client: index, resource: resource, isRetry: false, byAttacker: true)
        try settle()
    }

    /// `ride USER refresh` (browser-based-apps BCP §5.1.3): the script calls
    /// the token endpoint from the page, as the app would. A refresh cookie
    /// rides along though script cannot read it; a token in memory or
    /// localStorage the script reads and posts itself. The response reaches
    /// the script (World+Clients).
    public func rideRefresh(user: String) throws(CommandError) {
        let index = try clientIndex(user)
        guard !clients[index].isAttacker else { throw CommandError("ride takes a victim: alice or bob") }
        if policy.hasBackend, clients[index].refresh == nil, clients[index].session != nil {
            // The script asks the backend as the app would; the session cookie rides (BCP §6.2.4.3.1).
            send(.backendToken, from: index, purpose: .refresh(resume: nil, isRetry: false), byAttacker: true)
            try settle()
            return
        }
        guard let refresh = clients[index].refresh else {
            refusedStep(by: World.attacker, "ride \(user) refresh", "\(user)'s browser holds no refresh token")
            return
        }
        send(.refresh(refresh), from: index, purpose: .refresh(resume: nil, isRetry: false), byAttacker: true)
        try settle()
    }

    /// `reload USER`: the page reloads, as a browser does. What was in
    /// memory is gone; localStorage and cookies stay. With no access token
    /// left and a refresh token that survived, the app refreshes at once.
    public func reload(user: String) throws(CommandError) {
        let index = try clientIndex(user)
        let client = clients[index]
        guard !client.isAttacker else { throw CommandError("reload takes a user's browser: alice or bob") }
        guard client.access != nil || client.refresh != nil || client.session != nil else {
            refusedStep(by: client.name, "reload", "\(user) is not logged in")
            return
        }
        // What the narrator says is drawn only while recording (a study reloads every session).
        var lost: [String] = []
        if client.accessStorage == .memory, let access = client.access {
            if isRecording { lost.append(shortID(access)) }
            client.access = nil
            client.accessExpiresAt = nil
        }
        if client.refreshStorage == .memory, let refresh = client.refresh {
            if isRecording { lost.append(shortID(refresh)) }
            client.refresh = nil
        }
        if isRecording {
            let kept = [client.access.map { "\(shortID($0)) in \(client.accessStorage.rawValue)" },
                        client.refresh.map { "\(shortID($0)) in \(client.refreshStorage.rawValue)" },
                        client.session.map { "the backend's session cookie \($0)" }].compactMap { $0 }
            let outcome = (lost.isEmpty ? "nothing was in memory" : "the page's memory is gone: \(lost.joined(separator: " ")) lost")
                + (kept.isEmpty ? "" : "; kept: " + kept.joined(separator: ", "))
            record(.client, from: client.name, "reload", outcome, rule: "browser-based-apps BCP §8.4", tokens: lost)
        }
        appStarts(in: index, after: "reload")
        try settle()
    }

    /// `keys rotate`: a new signing key, made as `keys.secret` says; the API
    /// learns the new key set at once.
    @discardableResult
    public func rotateKeys(because action: String = "keys rotate") -> String {
        let kid = auth.rotateKey(weak: policy.secretStrength == .weak)
        api.apply(policy, keys: auth.keys)
        let made = policy.secretStrength == .weak ? " (its secret is a common word)" : ""
        record(.security, from: "auth", action, "new tokens are signed with \(kid)\(made); \(auth.keys.map(\.kid).joined(separator: ", ")) verify",
               rule: policy.secretStrength == .weak ? "RFC 7517 §4.5, RFC 8725 §3.5" : "RFC 7517 §4.5")
        return kid
    }

    /// `keys retire KID`: tokens signed with it, genuine or forged, stop verifying.
    public func retireKey(_ kid: String) throws(CommandError) {
        try auth.retireKey(kid, at: now)
        api.apply(policy, keys: auth.keys)
        record(.security, from: "auth", "keys retire \(kid)", "tokens signed with \(kid) are refused from now on", rule: "RFC 7515 §4.1.4")
    }

    public static let races: [(name: String, summary: String)] = [
        ("tabs", "every open tab refreshes at the same moment, each with the refresh token it can read (open USER first)"),
        ("logout", "a refresh still in flight when the user logs out"),
        ("lost", "a refresh whose response is lost: the server rotated, the client kept the old token"),
    ]

    /// Races without an attacker (RFC 9700 §4.14.2 grace period; RFC 7009):
    /// requests sent at the same instant, resolved by the network's order.
    public func race(_ kind: String, user: String) throws(CommandError) {
        guard World.races.contains(where: { $0.name == kind }) else {
            throw CommandError("unknown race '\(kind)'; valid: " + World.races.map(\.name).joined(separator: ", "))
        }
        let index = try clientIndex(user)
        let client = clients[index]
        attackLog.noteRace(user: client.user)
        if kind == "tabs" {
            // Each tab presents what it can read (World+Tabs).
            raceTabs(of: index)
            try settle()
            return
        }
        guard let refresh = client.refresh else {
            refusedStep(by: client.name, "race \(kind)", "\(user) holds no refresh token (login \(user) first)")
            return
        }
        switch kind {
        case "logout":
            record(.client, from: client.name, "refreshes with \(shortID(refresh)) and, before the answer, logs out", tokens: [shortID(refresh)])
            send(.refresh(refresh), from: index, purpose: .refresh(resume: nil, isRetry: false))
            let access = client.access
            client.dropTokens(at: now)
            send(.logout(refresh: refresh, access: access), from: index, purpose: .logout)
        default:
            send(.refresh(refresh), from: index, purpose: .refresh(resume: nil, isRetry: false), responseLost: true)
        }
        try settle()
    }

    public func refresh(user: String, token reference: String? = nil) throws(CommandError) {
        let index = try clientIndex(user)
        if let reference, clients[index].isAttacker {
            // She presents only what she holds.
            switch attackerToken(reference) {
            case .failure(let why):
                refusedStep(by: clients[index].name, "refresh \(reference)", why.message)
                return
            case .success(let token):
                guard ledger.entry(value: token)?.kind == .refresh else {
                    refusedStep(by: clients[index].name, "refresh \(reference)", "\(reference) is not a refresh token")
                    return
                }
                send(.refresh(token), from: index, purpose: .refresh(resume: nil, isRetry: false))
            }
        } else if let reference {
            let entry = try ledgerEntry(reference)
            guard entry.kind == .refresh else { throw CommandError("\(reference) is \(entry.kind == .code ? "an authorization code" : "an access token"); refresh takes a refresh token (rt…)") }
            send(.refresh(entry.value), from: index, purpose: .refresh(resume: nil, isRetry: false))
        } else {
            let viaBackend = policy.hasBackend && !clients[index].isAttacker && clients[index].session != nil
            guard clients[index].refresh != nil || viaBackend else {
                let why = clients[index].isAttacker ? "mallory holds no refresh token; she holds: \(attackerHoldings)"
                                                    : "\(user) holds no refresh token (login \(user) first)"
                refusedStep(by: clients[index].name, "refresh", why)
                return
            }
            startRefresh(client: index, resume: nil, isRetry: false)
        }
        try settle()
    }

    public func logout(user: String) throws(CommandError) {
        let index = try clientIndex(user)
        let client = clients[index]
        guard client.refresh != nil || client.access != nil || client.session != nil else {
            refusedStep(by: client.name, "logout", client.isAttacker ? "mallory holds no token to revoke" : "\(user) is not logged in")
            return
        }
        if policy.hasBackend, !client.isAttacker, client.session != nil {
            // The page ends its session at the backend, which revokes the tokens it holds (BCP §6.1.2).
            client.dropTokens(at: now)
            send(.backendLogout, from: index, purpose: .logout)
            try settle()
            return
        }
        let (refresh, access) = (client.refresh, client.access)
        // The browser forgets its tokens at once, whatever the server does.
        client.dropTokens(at: now)
        send(.logout(refresh: refresh, access: access), from: index, purpose: .logout)
        try settle()
    }

    public func revoke(token reference: String) throws(CommandError) {
        let entry = try ledgerEntry(reference)
        guard let index = client(forUser: entry.owner) else { throw CommandError("no device holds \(reference)") }
        send(.revoke(entry.value), from: index, purpose: .revoke)
        try settle()
    }

    /// Asks the auth server directly (RFC 7662), as the API would.
    public func introspect(token reference: String) throws(CommandError) {
        let token = try tokenValue(reference)
        let answer = auth.introspect(token: token, now: now, policy: policy)
        var outcome = "200 active: \(answer.active) (\(answer.reason))"
        if answer.active, let claims = answer.claims {
            outcome += " sub \(claims.subject), scope \(JSONValue.quoted(claims.scope)), exp \(expiryText(claims.expiresAt))"
        }
        record(.request, from: "api", to: "auth", "POST /introspect \(shortID(token))", outcome, status: 200,
               rule: "RFC 7662 §2.2", tokens: [shortID(token)])
    }

    /// The instant `target` expires: its `exp` (any leeway is the API's
    /// business), or the refresh token's own expiry.
    public func expiry(of target: String) throws(CommandError) -> (id: String, at: VirtualTime) {
        // `alice.access`, or a tab's: `alice.tab2.access`.
        var parts = target.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count > 2 { parts = [parts.dropLast().joined(separator: "."), parts[parts.count - 1]] }
        let entry: TokenLedger.Entry
        if parts.count == 2, parts[1] == "access" || parts[1] == "refresh" {
            let index = try clientIndex(parts[0])
            var held = parts[1] == "access" ? clients[index].access : clients[index].refresh
            // Under a backend the user's tokens are its own: the backend holds them for the session.
            if held == nil, let b = liveBackend(for: index) { held = parts[1] == "access" ? clients[b].access : clients[b].refresh }
            guard let held, let found = ledger.entry(value: held) else {
                throw CommandError("\(parts[0]) holds no \(parts[1]) token")
            }
            entry = found
        } else if parts.count == 2 {
            throw CommandError("expected USER.access or USER.refresh, got '\(target)'")
        } else {
            entry = try ledgerEntry(target)
        }
        // The instant `exp` passes; a leeway may still let the API accept it a while.
        return (entry.id, entry.expiresAt)
    }

    // MARK: Lookups that name what is valid

    func resourceIndex(method: String, path: String) throws(CommandError) -> Int {
        guard let resource = Resource.catalog.firstIndex(where: { $0.method == method && $0.path == path }) else {
            let valid = Resource.catalog.map { "\($0.method) \($0.path)" }.joined(separator: ", ")
            throw CommandError("unknown resource '\(method) \(path)'; valid: \(valid)")
        }
        return resource
    }

    func clientIndex(_ user: String) throws(CommandError) -> Int {
        guard let index = client(forUser: user) else {
            var message = "unknown user '\(user)'"
            if let guess = CommandParser.closest(to: user, among: actorNames) { message += "; did you mean '\(guess)'?" }
            throw CommandError(message + "; valid: " + actorNames.joined(separator: ", "))
        }
        return index
    }

    func ledgerEntry(_ id: String) throws(CommandError) -> TokenLedger.Entry {
        guard let entry = ledger.entry(id: id) else {
            let ids = ledger.ids
            let listed = ids.isEmpty ? "none yet (login first)" : ids.suffix(12).joined(separator: ", ")
            throw CommandError("unknown token '\(id)'; valid: \(listed)")
        }
        return entry
    }

    /// A short id, or a token pasted whole (containing a dot: a JWT).
    func tokenValue(_ reference: String) throws(CommandError) -> String {
        if reference.contains(".") { return reference }
        return try ledgerEntry(reference).value
    }

    func expiryText(_ unixSeconds: Int64) -> String {
        guard let instant = World.instant(ofUnixSeconds: unixSeconds) else { return "\(unixSeconds) (outside the simulated 1000 years)" }
        return "\(unixSeconds) (\(instant.clockText))"
    }

    /// The virtual instant of a claim's Unix time, or nil when it lies beyond
    /// the clock's range either way: a pasted token can claim any `exp`, and
    /// converting 9e18 seconds to milliseconds would overflow.
    static func instant(ofUnixSeconds seconds: Int64) -> VirtualTime? {
        let limit = World.latestTime.milliseconds / 1000
        guard seconds >= World.epoch - limit, seconds <= World.epoch + limit else { return nil }
        return VirtualTime.fromUnixSeconds(seconds, epoch: World.epoch)
    }
}
