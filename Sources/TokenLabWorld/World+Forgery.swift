import TokenLabCore
import TokenLabTokens

/// Forged access tokens, built byte by byte so learners see exactly what
/// each check catches (RFC 8725). The forger is the attacker; the result goes
/// into her hands and is used through the same API as anyone's token.
extension World {
    public static let forgeries: [(name: String, summary: String, rule: String)] = [
        ("tamper", "role admin, scope admin and a fresh jti written into a copy of TOKEN; the old signature kept", "RFC 7515 §5.2"),
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
        var fromScratch = false
        if let user = clients.firstIndex(where: { $0.user == reference }) {
            if clients[user].access == nil, heldByTheBackend(.access, victim: user) != nil {
                // Nothing to copy in the page. A forgery that needs no genuine
                // signature is written from what is public; the others need a
                // genuine token and get none (not a defence against forgery).
                guard !World.forgeriesNeedingAGenuineToken.contains(kind) else {
                    return attackBlocked("forge \(kind) from \(reference)",
                                         why: "nothing to copy: \(reference)'s page holds no access token (the backend keeps it); "
                                             + "a \(kind) forgery starts from a genuine token",
                                         rule: backendMitigationRule)
                }
                base = scratchTemplate(for: user)
                fromScratch = true
            } else {
                guard let held = clients[user].access, let entry = ledger.entry(value: held) else {
                    throw CommandError("\(reference) holds no access token to forge from; login \(reference) first")
                }
                base = entry
            }
        } else {
            base = try ledgerEntry(reference)
        }
        try forge(spec, kind, base: base, fromScratch: fromScratch, reference: reference)
    }

    /// Forgeries that keep or reuse a genuine signature: without a genuine
    /// token to start from there is nothing to make them of.
    static let forgeriesNeedingAGenuineToken: Set<String> = ["tamper", "audience", "idtoken"]

    /// Claims written from what anyone can know (the issuer and the API's
    /// audience are public, the user's name and the app's client id appear
    /// in the login's URLs), as an unsigned JWS to start a forgery from.
    /// Not in the ledger: only the forgery made from it is.
    private func scratchTemplate(for user: Int) -> TokenLedger.Entry {
        let name = clients[user].user
        let seconds = now.unixSeconds(epoch: World.epoch)
        let header: JSONValue = policy.signing == .RS256
            ? .object(["alg": .string("RS256"), "typ": .string("at+jwt"), "kid": .string(RS256Key.lab.kid)])
            : .object(["alg": .string("HS256"), "typ": .string("at+jwt"), "kid": .string(auth.keys[auth.keys.count - 1].kid)])
        let claims = JSONValue.object([
            JSONMember("iss", .string(AuthServer.issuer)), JSONMember("sub", .string(name)),
            JSONMember("aud", .string(AuthServer.apiAudience)), JSONMember("exp", .int(seconds + policy.accessTTL.milliseconds / 1000)),
            JSONMember("iat", .int(seconds)), JSONMember("client_id", .string(policy.hasBackend ? AuthServer.backendClientID : "browser-app")),
            JSONMember("role", .string("user")), JSONMember("scope", .string("orders:read")),
        ])
        let value = JWS.assemble(headerBytes: Array(header.text.utf8), payloadBytes: Array(claims.text.utf8), signature: [])
        return TokenLedger.Entry(id: "scratch", kind: .forged, owner: name, family: -1, issuedAt: now,
                                 expiresAt: now + policy.accessTTL, value: value)
    }

    private func forge(_ spec: (name: String, summary: String, rule: String), _ kind: String, base: TokenLedger.Entry,
                       fromScratch: Bool, reference: String) throws(CommandError) {
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
        // The table's summaries speak of TOKEN, as `help` does; the event names the token used.
        var summary = fromScratch ? spec.summary.replacing("copied from TOKEN", with: "written for \(base.owner)")
                                  : spec.summary.replacing("TOKEN", with: base.id)
        if fromScratch { summary += "; \(base.owner)'s page holds no token: claims written from scratch (issuer, audience, client id are public)" }
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
        record(.security, from: World.attacker, "forge \(kind) from \(base.id)", "made \(id): \(summary)", rule: spec.rule, tokens: fromScratch ? [id] : [base.id, id])
    }

    /// The first keyleak: the auth server's current signing key, kid and
    /// secret, goes into mallory's knowledge.
    private func leakSigningKey() -> AttackerKnowledge.Key {
        let key = auth.keys[auth.keys.count - 1]
        attackerLearns(key, how: "leaked from the auth server")
        return AttackerKnowledge.Key(key: key, how: "leaked from the auth server", at: now)
    }
}
