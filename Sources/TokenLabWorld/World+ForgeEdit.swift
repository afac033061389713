import TokenLabCore
import TokenLabTokens

/// One claim change in `forge edit`: `name=value` sets it (a number stays a
/// number, `+DURATION` is that long from now, an empty value removes it),
/// `name+=word` appends a word to a space-separated claim such as `scope`.
public struct ClaimEdit: Equatable, Sendable {
    public let name: String
    public let value: String
    public let appends: Bool

    public init(name: String, value: String, appends: Bool = false) {
        self.name = name
        self.value = value
        self.appends = appends
    }

    public var text: String { "\(name)\(appends ? "+=" : "=")\(value)" }
}

/// How `forge edit` signs: the old signature kept, none, a key she holds, the
/// key she cracked last, or a secret she guesses.
public enum ForgeSigning: Equatable, Sendable {
    case keep, none, cracked
    case key(String)
    case guess(String)

    public var text: String {
        switch self {
        case .keep: "keep"
        case .none: "none"
        case .cracked: "cracked"
        case .key(let kid): kid
        case .guess(let word): "guess \(word)"
        }
    }
}

extension World {
    /// `forge edit TOKEN CLAIM=VALUE... [sign ...]`: mallory builds a token of
    /// her own from any token, held or pasted; it goes into her hands and the
    /// report follows it like any forgery.
    public func forgeEdit(_ reference: String, edits: [ClaimEdit], signing: ForgeSigning) throws(CommandError) {
        let base = try accessTokenValue(reference)
        let decoded: DecodedJWS
        do { decoded = try DecodedJWS(base) } catch { throw CommandError("forge edit: \(reference) is not a JWS: \(error)") }
        guard case .object(var claims) = decoded.payload, case .object(var header) = decoded.header else {
            throw CommandError("forge edit: \(reference) has no header or claims object")
        }
        func set(_ key: String, _ value: JSONValue?) {
            let index = claims.firstIndex(where: { $0.key == key })
            switch (index, value) {
            case (let i?, let v?): claims[i].value = v
            case (nil, let v?): claims.append(JSONMember(key, v))
            case (let i?, nil): claims.remove(at: i)
            case (nil, nil): break
            }
        }
        // Every input is checked before anything changes (her jti stream included).
        var held: AttackerKnowledge.Key?
        if signing == .cracked { held = try keyToSign(signing) }
        if case .key(let kid) = signing, kid != RS256Key.lab.kid { held = try keyToSign(signing) }
        var values: [JSONValue?] = []
        for edit in edits { values.append(edit.appends ? nil : try claimValue(edit)) }
        // A fresh jti unless she writes one: each forgery is its own token (and the line says so).
        let freshTokenID = !edits.contains(where: { $0.name == "jti" })
        if freshTokenID { set("jti", .string(freshForgeryID())) }
        for (edit, value) in zip(edits, values) {
            if edit.appends {
                let old = JSONValue.object(claims)[edit.name]?.stringValue ?? ""
                set(edit.name, .string(old.isEmpty ? edit.value : old + " " + edit.value))
            } else {
                set(edit.name, value)
            }
        }
        func setHeader(_ key: String, _ value: JSONValue) {
            if let i = header.firstIndex(where: { $0.key == key }) { header[i].value = value } else { header.append(JSONMember(key, value)) }
        }
        let payload = JSONValue.object(claims)
        let token: String, how: String, rule: String
        switch signing {
        case .keep:
            token = String(decoded.headerSegment) + "." + Base64URL.encode(Array(payload.text.utf8)) + "." + decoded.signatureSegment
            (how, rule) = ("the old signature kept", "RFC 7515 §5.2")
        case .none:
            header.removeAll { $0.key == "kid" }
            setHeader("alg", .string("none"))
            token = JWS.assemble(headerBytes: Array(JSONValue.object(header).text.utf8), payloadBytes: Array(payload.text.utf8), signature: [])
            (how, rule) = ("unsigned (alg none)", "RFC 8725 §2.1, §3.1")
        case .key(let kid) where kid == RS256Key.lab.kid:
            setHeader("alg", .string("RS256"))
            setHeader("kid", .string(kid))
            token = JWS.sign(header: .object(header), payload: payload, rsaKey: RS256Key.lab)
            (how, rule) = ("signed with \(kid), the lab RSA key published in RS256Key.swift", "RFC 7515 §10.2")
        case .key, .cracked:
            guard let held else { preconditionFailure("checked above") }
            setHeader("alg", .string("HS256"))
            setHeader("kid", .string(held.key.kid))
            token = JWS.sign(header: .object(header), payload: payload, key: held.key)
            (how, rule) = ("signed with \(held.key.kid) (\(held.how))", signing == .cracked ? "RFC 8725 §3.5" : "RFC 7515 §10.2")
        case .guess(let word):
            setHeader("alg", .string("HS256"))
            let kid = JSONValue.object(header)["kid"]?.stringValue ?? "?"
            token = JWS.sign(header: .object(header), payload: payload, key: HS256Key(kid: kid, secret: Array(word.utf8)))
            (how, rule) = ("HMAC with the guessed secret \"\(word)\"", "RFC 8725 §3.5")
        }
        let baseID = shortID(base)
        let expiry = payload["exp"]?.intValue.flatMap(World.instant(ofUnixSeconds:)) ?? now
        let id = ledger.add(.forged, value: token, owner: World.attacker, family: -1, issuedAt: now, expiresAt: expiry)
        // The victim is whoever the token now names, if that is a user here.
        let subject = payload["sub"]?.stringValue
        let victim = subject.flatMap { auth.userIndex(named: $0) != nil ? $0 : nil } ?? ledger.entry(value: base)?.owner ?? "unknown"
        let changes = edits.isEmpty ? "no claims changed" : edits.map(\.text).joined(separator: " ")
        attackerTakes(token: token, kind: .forged, how: "forged (edit)", victim: victim, expiresAt: expiry)
        attackLog.acquire(id: id, kind: "forged access", token: token, origin: "forged (edit \(changes); \(how)) from \(baseID)",
                          victim: victim, at: now)
        record(.security, from: World.attacker, "forge edit \(baseID) \(changes) sign \(signing.text)", "made \(id): \(how)" + (freshTokenID ? "; jti is new (each forgery is its own token)" : ""),
               rule: rule, tokens: [baseID, id])
    }

    /// The HMAC key `sign KID` or `sign cracked` names, if she holds it.
    private func keyToSign(_ signing: ForgeSigning) throws(CommandError) -> AttackerKnowledge.Key {
        if case .key(let kid) = signing {
            guard let known = knowledge.key(kid: kid) else {
                throw CommandError("forge edit: mallory holds no key '\(kid)'; she holds: \(heldKeyNames)")
            }
            return known
        }
        guard let cracked = knowledge.latestCracked else { throw CommandError("forge edit: mallory has cracked no key yet; crack TOKEN first") }
        return cracked
    }

    /// A claim's new JSON value: an integer stays a number, `+DURATION` is a
    /// NumericDate that far from now, `true`/`false` are booleans, empty removes.
    private func claimValue(_ edit: ClaimEdit) throws(CommandError) -> JSONValue? {
        let text = edit.value
        if text.isEmpty { return nil }
        if text.hasPrefix("+") {
            guard let duration = Duration(parsing: String(text.dropFirst())) else {
                throw CommandError("forge edit: '\(text)' is not +DURATION (like +1h or +30d)")
            }
            return .int(now.unixSeconds(epoch: World.epoch) + duration.wholeSeconds)
        }
        if let number = Int64(text) { return .int(number) }
        if text == "true" || text == "false" { return .bool(text == "true") }
        return .string(text)
    }
}
