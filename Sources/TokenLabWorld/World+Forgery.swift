import TokenLabCore
import TokenLabTokens

/// Forged access tokens, built byte by byte so learners see exactly what
/// each check catches (RFC 8725). The forger is the attacker; the result goes
/// into her hands and is used through the same API as anyone's token.
extension World {
    public static let forgeries: [(name: String, summary: String, rule: String)] = [
        ("tamper", "role admin and scope admin written into a copy of TOKEN; the old signature kept", "RFC 7515 §5.2"),
        ("none", "alg none and no signature, claims copied from TOKEN with role admin", "RFC 8725 §2.1, §3.1"),
        ("None", "the same with alg \"None\": a case variant some libraries let through", "RFC 7515 §4.1.1, RFC 8725 §3.1"),
        ("audience", "a genuine token for another API (aud), replayed here", "RFC 9068 §4, RFC 8725 §3.9"),
        ("idtoken", "a genuine ID token (typ JWT, aud the client) presented as an access token", "RFC 9068 §4, RFC 8725 §3.11"),
        ("keyleak", "an admin token signed with the auth server's stolen HS256 secret", "RFC 7515 §10.2"),
        ("confusion", "alg HS256 with the RS256 key's kid, the HMAC keyed with the published RSA public key", "RFC 8725 §2.1, §3.1"),
    ]

    /// Genuine signatures, as the auth server makes them: RS256 with the lab
    /// key when the header says so, else HMAC with the current secret.
    private func signLikeTheAuthServer(header: JSONValue, claims: JSONValue, key: HS256Key) -> String {
        if header["alg"] == .string("RS256") { return JWS.sign(header: header, payload: claims, rsaKey: RS256Key.lab) }
        return JWS.sign(headerBytes: Array(header.text.utf8), payloadBytes: Array(claims.text.utf8), key: key)
    }

    /// `forge KIND from TOKEN`: the attacker builds a token from a genuine one.
    public func forge(_ kind: String, from reference: String) throws(CommandError) {
        guard let spec = World.forgeries.first(where: { $0.name == kind }) else {
            throw CommandError("unknown forgery '\(kind)'; valid: " + World.forgeries.map(\.name).joined(separator: ", "))
        }
        let base: TokenLedger.Entry
        if let user = clients.firstIndex(where: { $0.user == reference }) {
            if clients[user].access == nil, heldByTheBackend(.access, victim: user) != nil {
                // Not a defence against forgery: the API's checks (and a leaked key) are what they were.
                return attackBlocked("forge \(kind) from \(reference)",
                                     why: "nothing to copy: \(reference)'s page holds no access token (the backend keeps it); "
                                         + "a token forged from scratch would meet the API's checks unchanged",
                                     rule: "browser-based-apps BCP §6.1.4.2")
            }
            guard let held = clients[user].access, let entry = ledger.entry(value: held) else {
                throw CommandError("\(reference) holds no access token to forge from; login \(reference) first")
            }
            base = entry
        } else {
            base = try ledgerEntry(reference)
        }
        guard base.kind != .refresh else { throw CommandError("\(reference) is an opaque refresh token: there is nothing to forge from; use an access token (at…)") }
        let decoded: DecodedJWS
        do { decoded = try DecodedJWS(base.value) } catch { throw CommandError("\(reference) is not a JWS: \(error)") }
        guard case .object(var claims) = decoded.payload else { throw CommandError("\(reference) has no claims object") }
        func set(_ key: String, _ value: JSONValue) {
            if let i = claims.firstIndex(where: { $0.key == key }) { claims[i].value = value } else { claims.append(JSONMember(key, value)) }
        }
        let key = auth.keys[auth.keys.count - 1]
        // Each forgery is its own token: two forgeries never share bytes.
        set("jti", .string(freshForgeryID()))
        var summary = spec.summary
        let token: String
        switch kind {
        case "tamper":
            set("role", .string("admin"))
            set("scope", .string("orders:read admin"))
            token = String(decoded.headerSegment) + "." + Base64URL.encode(Array(JSONValue.object(claims).text.utf8)) + "." + decoded.signatureSegment
        case "none", "None":
            set("role", .string("admin"))
            set("scope", .string("orders:read admin"))
            let header = JSONValue.object(["alg": .string(kind), "typ": .string("at+jwt")])
            token = JWS.assemble(headerBytes: Array(header.text.utf8), payloadBytes: Array(JSONValue.object(claims).text.utf8), signature: [])
        case "audience":
            set("aud", .string("https://other-api.tokenlab.test"))
            token = signLikeTheAuthServer(header: decoded.header, claims: .object(claims), key: key)
        case "idtoken":
            set("aud", .string(clients[try clientIndex(base.owner)].clientID))
            guard case .object(var header) = decoded.header else { throw CommandError("\(reference) has no header object") }
            header.removeAll { $0.key == "typ" }
            header.insert(JSONMember("typ", .string("JWT")), at: min(1, header.count))
            token = signLikeTheAuthServer(header: .object(header), claims: .object(claims), key: key)
        case "confusion":
            set("role", .string("admin"))
            set("scope", .string("orders:read admin"))
            claims.removeAll { $0.key == "cnf" }
            let rsa = RS256Key.lab
            let header = JSONValue.object(["alg": .string("HS256"), "typ": .string("at+jwt"), "kid": .string(rsa.kid)])
            token = JWS.sign(header: header, payload: .object(claims), key: rsa.confusedHMACKey)
        default: // keyleak
            set("role", .string("admin"))
            set("scope", .string("orders:read admin"))
            set("exp", .int(now.unixSeconds(epoch: World.epoch) + 86_400))
            // With the signing key she can bind the token to a key of her own: DPoP cannot tell.
            claims.removeAll { $0.key == "cnf" }
            if policy.dpop, let thief = clients.firstIndex(where: \.isAttacker) {
                claims.append(JSONMember("cnf", .object(["jkt": .string(dpopKey(of: thief).thumbprint)])))
            }
            if decoded.header["alg"] == .string("RS256") {
                // The lab RSA key is published: she needs no leak to hold it.
                token = JWS.sign(header: decoded.header, payload: .object(claims), rsaKey: RS256Key.lab)
                summary += " (\(RS256Key.lab.kid), published in RS256Key.swift)"
            } else {
                // A leak is of one key: she signs with the key she holds, never with one she never got.
                let held = knowledge.latestKey ?? leakSigningKey()
                guard case .object(var header) = decoded.header else { throw CommandError("\(reference) has no header object") }
                header.removeAll { $0.key == "kid" }
                header.append(JSONMember("kid", .string(held.key.kid)))
                token = JWS.sign(header: .object(header), payload: .object(claims), key: held.key)
                summary += " (\(held.key.kid), \(held.how) at \(held.at.clockText))"
            }
        }
        let expiry = JSONValue.object(claims)["exp"]?.intValue.flatMap(World.instant(ofUnixSeconds:)) ?? now
        let id = ledger.add(.forged, value: token, owner: World.attacker, family: -1, issuedAt: now, expiresAt: expiry)
        attackerTakes(token: token, kind: .forged, how: "forged (\(kind)) from \(base.id)", victim: base.owner, expiresAt: expiry)
        attackLog.acquire(id: id, kind: "forged access", token: token, origin: "forged (\(kind)) from \(base.id)",
                          victim: base.owner, at: now)
        record(.security, from: World.attacker, "forge \(kind) from \(base.id)", "made \(id): \(summary)", rule: spec.rule, tokens: [base.id, id])
    }

    /// The first keyleak: the auth server's current signing key, kid and
    /// secret, goes into mallory's knowledge.
    private func leakSigningKey() -> AttackerKnowledge.Key {
        let key = auth.keys[auth.keys.count - 1]
        attackerLearns(key, how: "leaked from the auth server")
        return AttackerKnowledge.Key(key: key, how: "leaked from the auth server", at: now)
    }
}
