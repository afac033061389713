import TokenLabCore
import TokenLabTokens

/// Attackers act through capabilities, never magic: the world decides what
/// each capability can reach, and an impossible theft is an outcome, not an error.
extension World {
    public static let capabilities: [(name: String, summary: String)] = [
        ("xss", "script injected into the victim's page reads what script can read"),
        ("sniff", "a sniffer on the victim's link sees what crosses it unencrypted"),
        ("device", "the victim's unlocked device, browser profile and all"),
        ("logs", "server logs, where tokens sent in URLs end up"),
        ("insider", "a malicious insider reading the auth server's refresh-token table"),
        ("silent", "script in the victim's page starts a fresh silent login and keeps the new tokens"),
        ("intercept", "a malicious app catches the redirect of the victim's next login, code and all"),
        ("backend", "a leak of the app backend's session store (a breach, a debug dump): the tokens it keeps server-side"),
    ]

    public func steal(_ kind: StolenKind, from victim: String, via capability: String) throws(CommandError) {
        let victimIndex = try clientIndex(victim)
        guard !clients[victimIndex].isAttacker else { throw CommandError("\(victim) is the attacker; steal from alice or bob") }
        guard World.capabilities.contains(where: { $0.name == capability }) else {
            throw CommandError("unknown capability '\(capability)'; valid: " + World.capabilities.map(\.name).joined(separator: ", "))
        }
        guard let thief = clients.firstIndex(where: \.isAttacker) else { return }
        let client = clients[victimIndex]
        if kind == .code || capability == "intercept" {
            try stealCode(kind, from: victimIndex, thief: thief, via: capability)
            return
        }
        if capability == "silent" {
            silentLogin(victim: victimIndex, thief: thief, action: "steal \(kind.rawValue) from \(victim) via silent")
            return
        }
        let kinds: [TokenLedger.Kind] = switch kind {
        case .access: [.access]
        case .refresh: [.refresh]
        case .all: [.access, .refresh]
        case .code: []
        }
        let action = "steal \(kind.rawValue) from \(victim) via \(capability)"
        var theft: Int?
        for wanted in kinds {
            // A part of `steal all` that gets nothing is named as that part:
            // the report must not say the whole theft got nothing.
            let action = kind == .all ? "steal \(wanted.rawValue) (of all) from \(victim) via \(capability)" : action
            let outcome: Reach
            let token: String
            if capability == "sniff" || capability == "logs" {
                // What crossed, as it crossed: not what the victim holds now.
                switch observed(capability, kind: wanted, victim: victimIndex) {
                case .success(let crossing):
                    token = crossing.token
                    outcome = capability == "sniff"
                        ? .reached("it crossed a plain link at \(crossing.time.clockText), in \(crossing.carriedIn)", rule: crossing.kind == .refresh ? "RFC 6749 §10.4, RFC 6819 §4.5.1" : "RFC 6749 §10.3, RFC 6819 §4.6.1")
                        : .reached("read from the API's access log: it was in \(crossing.carriedIn) at \(crossing.time.clockText)",
                                   rule: "RFC 6750 §2.3, RFC 6819 §4.6.7")
                case .failure(let blocked):
                    guard case .blocked(let why, let rule) = blocked else { continue }
                    attackBlocked(action, why: why, rule: rule)
                    continue
                }
            } else if capability == "backend" {
                let (leaked, reached) = backendLeak(wanted, victim: victimIndex)
                guard let leaked else {
                    if case .blocked(let why, let rule) = reached { attackBlocked(action, why: why, rule: rule) }
                    continue
                }
                token = leaked
                outcome = reached
            } else {
                var held = wanted == .access ? client.access : client.refresh
                if held == nil, capability == "insider", let b = liveBackend(for: victimIndex) {
                    // The auth server's table holds the backend's family as any other.
                    held = wanted == .access ? clients[b].access : clients[b].refresh
                }
                guard let heldToken = held else {
                    if let (why, rule) = heldByTheBackend(wanted, victim: victimIndex), capability != "insider" {
                        attackBlocked(action, why: why, rule: rule)
                    } else {
                        record(.security, from: World.attacker, action, "nothing: \(victim) holds no \(wanted.rawValue) token")
                    }
                    continue
                }
                token = heldToken
                outcome = reach(capability, kind: wanted, on: client)
            }
            switch outcome {
            case .blocked(let why, let rule):
                attackLog.noteBlocked(action, why: why, rule: rule, at: now)
                record(.security, from: World.attacker, action, "nothing: \(why)", rule: rule, tokens: [shortID(token)])
            case .reached(let how, let rule):
                attackerTakes(token: token, kind: wanted, how: "stolen from \(victim) via \(capability)", victim: victim)
                let material = attackLog.acquire(id: shortID(token), kind: wanted.rawValue, token: token,
                                                 origin: "stolen from \(victim) via \(capability)", victim: victim, at: now,
                                                 sameTheftAs: theft)
                theft = theft ?? material
                record(.security, from: World.attacker, action, "got \(shortID(token)): \(how)", rule: rule, tokens: [shortID(token)])
            }
        }
    }

    /// BCP §5.1.3: new tokens, a new family, nothing the victim's app holds,
    /// so rotation and the app's logout never touch them.
    private func silentLogin(victim index: Int, thief: Int, action: String) {
        let victim = clients[index]
        if policy.hasBackend, liveBackend(for: index) != nil {
            return silentLoginAgainstBackend(victim: index, thief: thief, action: action)
        }
        guard let family = victim.family, !auth.familyIsRevoked(family) else {
            attackLog.noteBlocked(action, why: "\(victim.user) has no live session at the auth server", rule: "browser-based-apps BCP §5.1.3", at: now)
            record(.security, from: World.attacker, action, "nothing: \(victim.user) has no live session at the auth server",
                   rule: "browser-based-apps BCP §5.1.3")
            return
        }
        // The proof, if any, is made with a key the script generated: the attacker's.
        let proof = policy.dpop ? dpopKey(of: thief).proof(method: "POST", url: AuthServer.tokenEndpoint,
                                                          issuedAt: now.unixSeconds(epoch: World.epoch), id: "silent\(events.count)") : nil
        guard case .issued(let issued) = auth.silentGrant(user: victim.user, clientID: victim.clientID, proof: proof, now: now, policy: policy) else { return }
        let at = ledger.add(.access, value: issued.access, owner: World.attacker, family: issued.family, issuedAt: now, expiresAt: issued.accessExpiresAt)
        var ids = [at]
        clients[thief].family = issued.family
        let how = "minted by a silent login in \(victim.user)'s page"
        attackerTakes(token: issued.access, kind: .access, how: how, victim: victim.user)
        let first = attackLog.acquire(id: at, kind: "access", token: issued.access, origin: "minted by a silent login in \(victim.user)'s page",
                                      victim: victim.user, at: now)
        if let refresh = issued.refresh, let expiry = issued.refreshExpiresAt {
            let rt = ledger.add(.refresh, value: refresh, owner: World.attacker, family: issued.family, issuedAt: now, expiresAt: expiry)
            ids.append(rt)
            attackerTakes(token: refresh, kind: .refresh, how: how, victim: victim.user)
            attackLog.acquire(id: rt, kind: "refresh", token: refresh, origin: "minted by a silent login in \(victim.user)'s page",
                              victim: victim.user, at: now, sameTheftAs: first)
        }
        record(.security, from: World.attacker, action,
               "got \(ids.joined(separator: " ")) in a new family fam\(issued.family + 1): the app's tokens are untouched",
               rule: "browser-based-apps BCP §5.1.3", tokens: ids)
    }

    enum Reach: Error {
        case reached(String, rule: String)
        case blocked(String, rule: String)
    }

    /// What a sniffer on the victim's link, or the API's access log, holds
    /// of a `kind` token: the latest one that crossed there (NetworkRecord).
    func observed(_ capability: String, kind: TokenLedger.Kind, victim: Int) -> Result<NetworkRecord.Crossing, Reach> {
        let user = clients[victim].user
        // What crossed from any tab of the victim's browser: one machine, one link.
        let victim = clients[victim].browser
        if capability == "logs" {
            if let crossing = network.latest(kind, at: .urlInLog, client: victim) { return .success(crossing) }
            return .failure(.blocked("no request of \(user)'s carried \(kind == .access ? "its access token" : "a refresh token") in a URL, so none reached a log",
                                     rule: "RFC 6750 §2.3, §5.3"))
        }
        if let crossing = network.latest(kind, at: .plainLink, client: victim) { return .success(crossing) }
        if network.cookieWasWithheld(client: victim) && kind == .access {
            return .failure(.blocked("the Secure cookie is never sent over the plain link", rule: "RFC 6265 §4.1.2.5"))
        }
        let what = kind == .access ? "access" : "refresh"
        return .failure(.blocked(policy.tls && !network.anyCrossing(client: victim, at: .plainLink)
                                 ? "the link is TLS: the sniffer sees only ciphertext"
                                 : "no \(what) token of \(user)'s has crossed a plain link (they went over TLS, or not at all)",
                                 rule: "RFC 6749 §10.3, RFC 6750 §5.3"))
    }

    /// What `capability` can read of a `kind` token stored on `client`
    /// (sniff and logs read the network record instead: `observed`).
    func reach(_ capability: String, kind: TokenLedger.Kind, on client: Client) -> Reach {
        let place = client.storage(of: kind)
        switch capability {
        case "xss":
            if place == .cookie && cookie(kind == .refresh ? .refresh : .access, of: client).httpOnly {
                let stale = policy.cookieHttpOnly ? "" : " (the cookie was set with HttpOnly; the policy's change applies from its next Set-Cookie)"
                return .blocked("the token is in an HttpOnly cookie, out of script's reach (script can still send requests with it)" + stale,
                                rule: "RFC 6265 §4.1.2.6")
            }
            let tab = client.tab == 1 ? "the page's" : "\(client.name)'s"
            let read = switch place {
            case .memory: "\(tab) memory"
            case .sessionStorage: "\(tab) sessionStorage"
            default: place.rawValue
            }
            return .reached("script reads \(read)", rule: "browser-based-apps BCP §5.1.1")
        case "device":
            if place == .memory { return .blocked("tokens held only in memory do not outlive the page, and this theft takes the device with the browser closed (an open page on an unlocked device would give them up)", rule: "browser-based-apps BCP §8.4") }
            if place == .sessionStorage {
                return .blocked("sessionStorage lives as long as its tab: it was gone when the tab closed", rule: "browser-based-apps BCP §8.5")
            }
            return .reached("read from the browser profile (\(place.rawValue))", rule: kind == .refresh ? "RFC 6819 §4.1.2" : "RFC 6819 §4.1.3")
        default: // insider
            if kind == .access {
                return .blocked("this auth server keeps no table of access tokens to read: they are self-contained JWTs", rule: "RFC 9068 §1")
            }
            return .blocked("the table holds only SHA-256 hashes; a hash cannot be presented as a token",
                            rule: "RFC 6819 §5.1.4.1.3")
        }
    }

    /// CSRF (RFC 6750 §5.3, draft-ietf-httpbis-rfc6265bis §8.8): a page on mallory's site makes
    /// the victim's browser send a request. Only a cookie can ride along, and
    /// only if SameSite lets it; tokens the app puts in headers never do.
    public func csrf(user: String, method: String, path: String) throws(CommandError) {
        let index = try clientIndex(user)
        guard !clients[index].isAttacker else { throw CommandError("csrf takes a victim: alice or bob") }
        if path == AuthServer.tokenPath {
            guard method == "POST" else { throw CommandError("the token endpoint takes POST: csrf \(user) POST /token") }
            try csrfTokenEndpoint(victim: index)
            return
        }
        let resource = try resourceIndex(method: method, path: path)
        let client = clients[index]
        let action = "csrf \(user) \(method) \(path)"
        if policy.architecture == .bff {
            return try csrfThroughBackend(victim: index, resource: resource, method: method, action: action)
        }
        let blocked: (String, String)?
        if client.access == nil {
            blocked = ("\(user)'s browser holds no token", "RFC 6265 §5.4")
        } else if client.accessStorage != .cookie {
            blocked = ("the app sends its token in a header; a browser adds no header to a cross-site request", "RFC 6750 §2.1")
        } else if case let kept = cookie(.access, of: client), kept.sameSite == .strict || (kept.sameSite == .lax && method != "GET") {
            blocked = ("SameSite=\(kept.sameSite.rawValue.capitalized) keeps the cookie off cross-site requests"
                       + staleNote("SameSite", set: kept.sameSite.rawValue.capitalized, now: policy.cookieSameSite.rawValue.capitalized), World.sameSiteRule)
        } else {
            blocked = nil
        }
        if let (why, rule) = blocked {
            attackBlocked(action, why: why, rule: rule)
            return
        }
        client.crossSitePending = true
        defer { client.crossSitePending = false }
        // Not the app's own code: no refresh and retry on a 401.
        send(.api(resource: resource, token: client.access), from: index, purpose: .call(resource: resource, isRetry: true), byAttacker: true)
        try settle()
    }

    static let sameSiteRule = "draft-ietf-httpbis-rfc6265bis §4.1.2.7, §5.6.7"

    /// CSRF against a BFF (BCP §6.1.3.3): the session cookie rides as SameSite
    /// allows, and the BFF then calls the API as for the page.
    private func csrfThroughBackend(victim index: Int, resource: Int, method: String, action: String) throws(CommandError) {
        let client = clients[index]
        let blocked: (String, String)?
        if client.session == nil {
            blocked = ("\(client.user)'s browser holds no session cookie", "RFC 6265 §5.4")
        } else if case let kept = cookie(.session, of: client), kept.sameSite == .strict || (kept.sameSite == .lax && method != "GET") {
            blocked = ("SameSite=\(kept.sameSite.rawValue.capitalized) keeps the BFF's session cookie off cross-site requests"
                       + staleNote("SameSite", set: kept.sameSite.rawValue.capitalized, now: policy.cookieSameSite.rawValue.capitalized),
                       "browser-based-apps BCP §6.1.3.3.1")
        } else {
            blocked = nil
        }
        if let (why, rule) = blocked { return attackBlocked(action, why: why, rule: rule) }
        client.crossSitePending = true
        defer { client.crossSitePending = false }
        send(.backendCall(resource: resource), from: index, purpose: .call(resource: resource, isRetry: true), byAttacker: true)
        try settle()
    }

    /// `csrf USER POST /token`: mallory's page posts a refresh request to the
    /// token endpoint from the victim's browser. Only a refresh cookie can
    /// ride, and only as SameSite allows (a cross-site POST: None only). The
    /// auth server answers with CORS headers for the app's origin alone, so
    /// her page cannot read the response: the access token in the body
    /// reaches no one, the rotated cookie lands in the victim's jar.
    private func csrfTokenEndpoint(victim index: Int) throws(CommandError) {
        let client = clients[index]
        let action = "csrf \(client.user) POST /token"
        let blocked: (String, String)?
        if client.refresh == nil {
            blocked = ("\(client.user)'s browser holds no refresh token", "RFC 6265 §5.4")
        } else if client.refreshStorage != .cookie {
            blocked = ("the app sends its refresh token in the request body; mallory's page does not know it, and no cookie rides",
                       "RFC 6749 §6")
        } else if case let kept = cookie(.refresh, of: client), kept.sameSite != .none {
            blocked = ("SameSite=\(kept.sameSite.rawValue.capitalized) keeps the refresh cookie off a cross-site POST"
                       + staleNote("SameSite", set: kept.sameSite.rawValue.capitalized, now: policy.cookieSameSite.rawValue.capitalized), World.sameSiteRule)
        } else {
            blocked = nil
        }
        if let (why, rule) = blocked {
            attackBlocked(action, why: why, rule: rule)
            return
        }
        guard let refresh = client.refresh else { return }
        client.crossSitePending = true
        defer { client.crossSitePending = false }
        record(.security, from: World.attacker, action, "mallory's page posts to the token endpoint; SameSite=None lets \(shortID(refresh)) ride",
               rule: World.sameSiteRule, tokens: [shortID(refresh)])
        send(.refresh(refresh), from: index, purpose: .crossSiteRefresh)
        try settle()
    }

    /// The answer to a forged cross-site refresh reaches the victim's browser;
    /// CORS keeps its body from mallory's page (Fetch, CORS protocol).
    func crossSiteRefreshArrives(_ response: Exchange.Response, at index: Int) {
        let client = clients[index]
        let action = "csrf \(client.user) POST /token"
        switch response {
        case .tokens(let issued):
            var stored: [String] = []
            if let refresh = issued.refresh, browserStoresRefresh(refresh, client: client) {
                client.keepRefresh(refresh, in: .cookie, cookie: CookieAttributes(policy))
                stored.append(shortID(refresh))
            }
            let why = "CORS: the auth server allows only the app's origin, so mallory's page cannot read the response; "
                + "\(shortID(issued.access)) in its body reaches no one"
            attackLog.noteBlocked(action, why: why, rule: "browser-based-apps BCP §6.3.3.4, Fetch (CORS)", at: now)
            record(.security, from: World.attacker, action,
                   "nothing: \(why)" + (stored.isEmpty ? "" : "; the rotated cookie \(stored[0]) lands in \(client.user)'s jar"),
                   rule: "Fetch (CORS)", tokens: [shortID(issued.access)] + stored)
        case .oauthError(let error):
            record(.security, from: World.attacker, action, "the forged refresh was refused (\(error.code))", rule: error.rule)
            if let family = client.family, auth.familyIsRevoked(family) {
                client.dropTokens(at: now)
                record(.client, from: client.name, "its refresh cookie's family is revoked: \(client.user) must log in again")
                attackLog.noteCost("\(client.user) was logged out at \(now.clockText): \(error.description)", user: client.user)
            }
        default:
            break
        }
    }

    /// `wallet PARTY`: what it holds and how long each item stays usable.
    /// The victim and capability of a theft event's action, `steal KIND
    /// [(of all)] from VICTIM via CAPABILITY`; nil for any other action.
    static func theftParts(of action: String) -> (victim: String, capability: String)? {
        let words = action.split(separator: " ").map(String.init)
        guard words.first == "steal", let from = words.firstIndex(of: "from"), let via = words.lastIndex(of: "via"),
              from + 2 == via, via + 2 == words.count else { return nil }
        return (words[from + 1], words[via + 1])
    }

    func walletLines(of party: String) throws(CommandError) -> [String] {
        let holder = try clientIndex(party)
        let client = clients[holder]
        var rows: [[String]] = []
        var seen: [String] = []
        func row(_ token: String, source: String) {
            guard !seen.contains(token) else { return }
            seen.append(token)
            guard let entry = ledger.entry(value: token) else {
                rows.append([shortID(token), "?", source, "not minted here"])
                return
            }
            let state = state(of: entry)
            let end = entry.kind != .refresh ? entry.expiresAt + policy.leeway : expiry(of: entry)
            let usable = !state.hasPrefix("valid") ? state
                : lacksKey(for: entry, holder: holder) ? "unusable: bound to a DPoP key \(party) lacks"
                : "usable for \((end - now).text) (until \(end.clockText))"
            rows.append([entry.id, entry.kind.rawValue, source, usable])
        }
        // Her knowledge, item by item: how and when she got each one.
        for item in client.loot { row(item.token, source: "\(item.capability) at \(item.at.clockText)") }
        if !client.isAttacker {
            if let access = client.access { row(access, source: "its own, in \(client.accessStorage.rawValue)") }
            if let refresh = client.refresh { row(refresh, source: "its own, in \(client.refreshStorage.rawValue)") }
        }
        guard !rows.isEmpty else { return ["\(party) holds nothing"] }
        return ["\(party) holds (at \(now.clockText)):"] + TextTable.render(header: ["id", "kind", "how", "state"], rows: rows).map { "  " + $0 }
    }
}
