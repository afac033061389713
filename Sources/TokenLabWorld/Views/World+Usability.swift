import TokenLabCore
import TokenLabTokens

/// Until when a piece of stolen or forged material stays usable, and what
/// ends it: the report's and the matrix's window runs from the theft to
/// this moment, not to the attacker's last use. Computed from recorded
/// facts (expiry claims, revocation and retirement times, rotation), never
/// from the last time someone happened to try.
struct Usability: Equatable {
    /// The last instant it worked or would work; nil if it never could.
    var until: VirtualTime?
    /// True when that end is behind us (or it never worked).
    var hasEnded: Bool
    /// What ends it: "expiry", "family revoked (reuse detected)", ...
    var what: String
    var rule: String
}

extension World {
    /// The API's verdict on `token` now, in the validation mode in force
    /// (local checks and the denylist, or introspection with its cache):
    /// the same verdict `call` would get, without a request.
    func verdictNow(on token: String) -> ResourceServer.LocalCheck {
        guard policy.validation == .introspection else { return api.validateLocally(token, now: now, auth: auth) }
        let answer = api.cachedIntrospection(token, now: now) ?? auth.introspect(token: token, now: now, policy: policy)
        guard answer.active, let claims = answer.claims else {
            return .refused(.invalidToken("inactive: \(answer.reason)", rule: "RFC 7662 §2.2"))
        }
        if policy.checksAudience, !claims.audienceMatches {
            return .refused(.invalidToken("audience is not this API (from introspection)", rule: "RFC 9700 §2.3, RFC 7662 §2.2"))
        }
        return .accepted(claims)
    }

    func usability(of material: AttackLog.Material) -> Usability {
        guard let token = material.token else { return sessionUsability(material) }
        // Bound to the victim's key: no request of hers can carry a proof made with it.
        if let entry = ledger.entry(value: token), let thief = attackerIndex, lacksKey(for: entry, holder: thief), material.successes == 0 {
            return Usability(until: nil, hasEnded: true, what: "never usable by her: \(entry.id) is bound to another key (DPoP), one she does not hold",
                             rule: entry.kind == .refresh ? "RFC 9449 §5" : "RFC 9449 §6.1, §7.1")
        }
        let usability = material.kind == "code" ? codeUsability(token, material: material)
            : material.kind == "refresh" ? refreshUsability(token) : accessUsability(token, material: material)
        // Refused before its end, and never accepted: it was never usable in
        // her hands (another audience, a proof of possession she cannot make).
        if material.successes == 0, let refusal = material.refusals.first, usability.until.map({ refusal.at < $0 }) ?? false {
            return Usability(until: nil, hasEnded: true, what: "never usable by her: \(refusal.reason)", rule: refusal.rule)
        }
        // Never shorter than what was seen to work.
        guard let last = material.lastSuccess else { return usability }
        var result = usability
        if result.until.map({ $0 < last }) ?? true { result.until = last }
        return result
    }

    private func refreshUsability(_ token: String) -> Usability {
        guard let facts = refreshFacts(of: token) else {
            return Usability(until: nil, hasEnded: true, what: "not a refresh token this auth server issued", rule: "RFC 6749 §5.2")
        }
        // Whichever ended it first: rotation (after any grace), revocation, expiry.
        var ends: [Usability] = []
        if let rotated = facts.rotatedAt {
            let end = rotated + policy.reuseGrace
            ends.append(Usability(until: end, hasEnded: end <= now, what: "rotated: a newer token replaced it", rule: "RFC 9700 §4.14.2"))
        }
        if let revoked = auth.families[facts.family].revoked {
            let what = revoked.reason == "reuse detected" ? "family revoked: reuse detected" : "family revoked (\(revoked.reason))"
            ends.append(Usability(until: revoked.at, hasEnded: true, what: what, rule: World.revocationRule(revoked.reason)))
        }
        if facts.expiresAt <= now {
            ends.append(Usability(until: facts.expiresAt, hasEnded: true, what: "expiry", rule: "RFC 6749 §5.2"))
        }
        if let first = ends.filter(\.hasEnded).min(by: { ($0.until ?? now) < ($1.until ?? now) }) { return first }
        // Nothing has stopped it: used at least once per idle period, it lasts
        // as long as its family may (browser-based-apps BCP §6.3.2.3).
        return Usability(until: facts.absoluteExpiry, hasEnded: false,
                         what: "nothing yet; it would end with its family's absolute lifetime", rule: "browser-based-apps BCP §6.3.2.3")
    }

    private func accessUsability(_ token: String, material: AttackLog.Material) -> Usability {
        let entry = ledger.entry(value: token)
        let expiry = entry.map { $0.expiresAt + policy.leeway }
        switch verdictNow(on: token) {
        case .accepted:
            // Accepted only because the API's cached answer has not run out: it ends when the cache does.
            if policy.validation == .introspection, let until = api.cachedUntil(token, now: now),
               case let fresh = auth.introspect(token: token, now: now, policy: policy), !fresh.active {
                return Usability(until: min(until, expiry ?? until), hasEnded: false,
                                 what: "accepted from the API's cached introspection answer; the auth server already says inactive: \(fresh.reason)",
                                 rule: "RFC 7662 §4")
            }
            return Usability(until: expiry, hasEnded: false, what: "nothing yet; it would expire", rule: "RFC 7519 §4.1.4")
        case .refused(let response):
            let rule = response.rule ?? ""
            switch response.rejection {
            case .expired?:
                return Usability(until: expiry, hasEnded: true, what: "expiry", rule: rule)
            case .unknownKey?, .badSignature?:
                if let kid = kid(of: token), let retired = auth.retiredAt[kid] {
                    // Signed with a key retired before the token was made: it never worked.
                    if retired < material.acquiredAt {
                        return Usability(until: nil, hasEnded: true, what: "signed with \(kid), a key retired at \(retired.clockText), before it was made",
                                         rule: "RFC 7517 §4.5")
                    }
                    return Usability(until: retired, hasEnded: true, what: "key \(kid) retired", rule: "RFC 7517 §4.5")
                }
            default:
                break
            }
            if response.description.contains("denylisted"), let jti = tokenID(of: token), let at = auth.denylistedAt[jti] {
                return Usability(until: at, hasEnded: true, what: "revoked (denylisted)", rule: rule)
            }
            if response.description.hasPrefix("inactive") {
                // Whichever ended it first: its session's revocation or its own expiry.
                var ends: [Usability] = []
                if let family = entry?.family, family >= 0, let revoked = auth.families[family].revoked {
                    // Say why, and whether the API was answering from its cache.
                    let cached = response.description.hasSuffix("(cached)") ? ", as the API's cached answer says" : ""
                    ends.append(Usability(until: revoked.at, hasEnded: true, what: "inactive: its session was revoked (\(revoked.reason))\(cached)", rule: rule))
                }
                if let expiry, expiry <= now {
                    ends.append(Usability(until: expiry, hasEnded: true, what: "inactive: expired at \(expiry.clockText)", rule: rule))
                }
                if let first = ends.min(by: { ($0.until ?? now) < ($1.until ?? now) }) { return first }
            }
            return Usability(until: nil, hasEnded: true, what: "refused: \(response.summary)", rule: rule)
        }
    }

    /// The DPoP key a token is bound to, as its thumbprint: `cnf.jkt` in an
    /// access token (RFC 9449 §6.1), the family's key for a refresh token (§5).
    func boundThumbprint(of entry: TokenLedger.Entry) -> String? {
        switch entry.kind {
        case .refresh: entry.family >= 0 && entry.family < auth.families.count ? auth.families[entry.family].boundKey : nil
        case .access, .forged: (try? DecodedJWS(entry.value))?.payload["cnf"]?["jkt"]?.stringValue
        case .code: nil
        }
    }

    /// Whether the party at `holder` cannot present the token: it is bound
    /// to a key, and not to the key of the holder's browser.
    func lacksKey(for entry: TokenLedger.Entry, holder: Int) -> Bool {
        guard let bound = boundThumbprint(of: entry) else { return false }
        return clients[clients[holder].browser].dpopKey?.thumbprint != bound
    }

    /// The rule behind a family's revocation, by the reason recorded with it.
    static func revocationRule(_ reason: String) -> String {
        switch reason {
        case "reuse detected", "admin", "password change": "RFC 9700 §4.14.2"
        case "code reuse": "RFC 6749 §4.1.2"
        default: "RFC 7009 §2.1"
        }
    }

    private func sessionUsability(_ material: AttackLog.Material) -> Usability {
        // Any tab of the victim's browser with a session: its own tokens, or a live session at the backend.
        let victim = clients.indices.filter { clients[$0].user == material.victim && !clients[$0].isAttacker }
        let open = victim.contains { i in
            !clients[i].isBackend && (clients[i].access != nil || clients[i].refresh != nil || liveBackend(for: i) != nil)
        }
        // Ended: the ride was possible until the last of her page and backend dropped the session.
        let ended = victim.compactMap { clients[$0].profile.sessionEndedAt }.max()
        let until = open ? material.lastSuccess : material.lastSuccess.map { max(ended ?? $0, $0) }
        return Usability(until: until, hasEnded: !open,
                         what: open ? "nothing yet; it works while the victim's page is open" : "the victim's session ended",
                         rule: "browser-based-apps BCP §5.1.4")
    }

    private func kid(of token: String) -> String? { (try? DecodedJWS(token))?.header["kid"]?.stringValue }
    private func tokenID(of token: String) -> String? { (try? DecodedJWS(token))?.payload["jti"]?.stringValue }
}
