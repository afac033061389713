import TokenLabCore
import TokenLabTokens

/// Stolen authorization codes: taken from the callback URL's log, a plain
/// link or an intercepted redirect, and redeemed from mallory's device.
/// PKCE (RFC 7636) makes a code useless without the browser's verifier;
/// a code is single use (RFC 6749 §4.1.2).
extension World {
    /// `steal code from USER via CAPABILITY` (and any theft `via intercept`).
    func stealCode(_ kind: StolenKind, from victim: Int, thief: Int, via capability: String) throws(CommandError) {
        let user = clients[victim].user
        let action = "steal \(kind.rawValue) from \(user) via \(capability)"
        func blocked(_ why: String, _ rule: String) {
            attackBlocked(action, why: why, rule: rule)
        }
        guard kind == .code else { return blocked("intercept catches an authorization code in a redirect, not tokens", "RFC 7636 §1") }
        let noCode = "no code (password grant): \(user)'s logins send no authorization code"
        switch capability {
        case "intercept":
            if policy.loginFlow == .password { return blocked(noCode, "RFC 9700 §2.4") }
            // The victim's browser starts a login; a malicious app registered
            // for the redirect URI catches the redirect (RFC 7636 §1).
            startLogin(client: victim, purpose: .interceptedLogin(thief: thief))
            try settle()
        case "logs", "sniff":
            let place: NetworkRecord.Place = capability == "logs" ? .urlInLog : .plainLink
            guard let crossing = network.latest(.code, at: place, client: clients[victim].browser) else {
                if policy.loginFlow == .password && !network.anyCode(client: victim) { return blocked(noCode, "RFC 9700 §2.4") }
                return capability == "logs"
                    ? blocked("no callback URL of \(user)'s carried a code yet", "RFC 6819 §4.4.1.1")
                    : blocked("no code of \(user)'s crossed a plain link (TLS)", "RFC 6749 §10.5, RFC 6819 §4.4.1.1")
            }
            let how = capability == "logs"
                ? "read from the callback's access log: it was in \(crossing.carriedIn) at \(crossing.time.clockText)"
                : "it crossed a plain link at \(crossing.time.clockText), in \(crossing.carriedIn)"
            take(crossing.token, victim: user, capability: capability, thief: thief, action: action, how: how,
                 rule: capability == "logs" ? "RFC 6819 §4.4.1.1" : "RFC 6749 §10.5, RFC 6819 §4.4.1.1")
        default:
            blocked("\(capability) reaches no authorization code: a code lives only in the redirect (logs, sniff, intercept)",
                    "RFC 6749 §4.1.2")
        }
    }

    /// The intercepted redirect reaches mallory's app instead of the victim's browser.
    func intercepted(_ code: String, victim: Client, thief: Int) {
        guard isRecording else { return }
        take(code, victim: victim.user, capability: "intercept", thief: thief, action: "steal code from \(victim.user) via intercept",
             how: "a malicious app caught the redirect; \(victim.user)'s login never completes", rule: "RFC 7636 §1")
    }

    private func take(_ code: String, victim: String, capability: String, thief: Int, action: String, how: String, rule: String) {
        attackerTakes(token: code, kind: .code, how: "stolen from \(victim) via \(capability)", victim: victim)
        attackLog.acquire(id: shortID(code), kind: "code", token: code, origin: "stolen from \(victim) via \(capability)",
                          victim: victim, at: now)
        record(.security, from: World.attacker, action, "got \(shortID(code)): \(how)", rule: rule, tokens: [shortID(code)])
    }

    /// `as mallory redeem [CODE [REDIRECT_URI]]`: the token request from her
    /// own device, with a code she stole and no verifier (she never had it).
    public func redeem(party: String, code reference: String?, redirectURI: String?) throws(CommandError) {
        let index = try clientIndex(party)
        let thief = clients[index]
        guard thief.isAttacker else {
            throw CommandError("redeem is the attacker's: as \(World.attacker) redeem CODE (a browser redeems its own code when it logs in)")
        }
        let codes = thief.loot.filter { ledger.entry(value: $0.token)?.kind == .code }.map(\.token)
        let code: String
        if let reference {
            guard let entry = ledger.entry(id: reference), codes.contains(entry.value) else {
                let held = codes.map(shortID)
                throw CommandError("\(party) holds no code '\(reference)'; she presents only codes she stole: "
                                   + (held.isEmpty ? "none yet (steal code from USER via logs, sniff or intercept)" : held.joined(separator: ", ")))
            }
            code = entry.value
        } else {
            guard let last = codes.last else {
                record(.security, from: party, "redeem", "nothing: she holds no authorization code")
                return
            }
            code = last
        }
        send(.codeGrant(CodeRequest(code: code, redirectURI: redirectURI ?? World.redirectURI, verifier: nil)), from: index, purpose: .redeem)
        try settle()
    }

    /// Until when a stolen code could be redeemed: once, before it expires.
    func codeUsability(_ token: String, material: AttackLog.Material) -> Usability {
        guard let facts = auth.codeFacts(of: token) else {
            return Usability(until: nil, hasEnded: true, what: "not a code this auth server issued", rule: "RFC 6749 §5.2")
        }
        if let redeemed = facts.redeemedAt {
            // Redeemed by the victim before the theft: it was never hers to use.
            if redeemed < material.acquiredAt {
                return Usability(until: nil, hasEnded: true, what: "single use: redeemed at \(redeemed.clockText), before the theft",
                                 rule: "RFC 6749 §4.1.2")
            }
            return Usability(until: redeemed, hasEnded: true, what: "single use: redeemed at \(redeemed.clockText)", rule: "RFC 6749 §4.1.2")
        }
        let ended = facts.expiresAt <= now
        return Usability(until: facts.expiresAt, hasEnded: ended, what: ended ? "expiry" : "nothing yet; it would expire",
                         rule: "RFC 6749 §4.1.2")
    }

    /// `tokens` and `decode` for a code.
    func codeState(_ entry: TokenLedger.Entry) -> String {
        guard let facts = auth.codeFacts(of: entry.value) else { return "unknown" }
        if let family = facts.family { return "used (fam\(family + 1))" }
        return facts.expiresAt <= now ? "expired" : "unused"
    }

    func decodeCode(_ entry: TokenLedger.Entry) -> [String] {
        [
            "\(entry.id): an opaque authorization code (\(entry.value.count) characters of base64url, 128 random bits; nothing to decode)",
            "single use, expires \(entry.expiresAt.clockText), bound to browser-app, \(World.redirectURI) and its PKCE challenge if any",
            "state \(codeState(entry))",
        ]
    }
}
