import TokenLabCore

/// The header members the validator needs.
struct HeaderFacts {
    var alg = ""
    var typ: String? { didSet { hasAccessTokenType = typ.map { ["at+jwt", "application/at+jwt"].contains($0.lowercased()) } ?? false } }
    var kid: String?
    private(set) var hasAccessTokenType = false

    init() {}

    init(alg: String, typ: String?, kid: String?) {
        self.alg = alg
        self.kid = kid
        self.typ = typ
        hasAccessTokenType = typ.map { ["at+jwt", "application/at+jwt"].contains($0.lowercased()) } ?? false
    }

    /// What a header says, or why the token is refused for it.
    enum Reading {
        case facts(HeaderFacts)
        case rejected(TokenRejection)
    }

    /// The fast path: plain headers are read in place; anything else,
    /// including every header that will be refused, goes to `readFully`.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Reading {
        var facts = HeaderFacts()
        var sawAlg = false
        var sawCrit = false
        let result = FlatJSONScanner.forEachMember(in: bytes) { _, code, value in
            switch code {
            case MemberName.alg: if case .string(let text) = value { facts.alg = text.string; sawAlg = true }
            case MemberName.typ: if case .string(let text) = value { facts.typ = text.string }
            case MemberName.kid: if case .string(let text) = value { facts.kid = text.string }
            case MemberName.crit: sawCrit = true
            default: break
            }
        }
        if result == .done, sawAlg, !sawCrit { return .facts(facts) }
        return readFully(Array(bytes))
    }

    /// The full path, through the same strict parser as `decode`.
    static func readFully(_ bytes: [UInt8]) -> Reading {
        let json: JSONValue
        do { json = try DecodedJWS.jsonObject(bytes, part: "header") } catch { return .rejected(.malformed(error.description)) }
        if let name = json.firstRepeatedMemberName { return .rejected(.duplicateMember(name, inHeader: true)) }
        if let crit = json["crit"] { return .rejected(.criticalHeader(criticalReason(crit))) }
        guard let alg = json["alg"]?.stringValue else { return .rejected(.malformed("the header has no alg (RFC 7515 §4.1.1)")) }
        return .facts(HeaderFacts(alg: alg, typ: json["typ"]?.stringValue, kid: json["kid"]?.stringValue))
    }

    /// This validator understands no extension, so any `crit` fails: either
    /// it names extensions ("not understood and supported ... the JWS is
    /// invalid") or it is not a non-empty list of names at all.
    private static func criticalReason(_ crit: JSONValue) -> String {
        guard case .array(let items) = crit, !items.isEmpty else {
            return "crit is not a non-empty array of header parameter names"
        }
        let names = items.compactMap(\.stringValue)
        guard names.count == items.count else { return "crit lists something other than header parameter names" }
        return "crit names " + names.map(JSONValue.quoted).joined(separator: ", ") + ", not understood here"
    }
}

/// The claims the validator needs, with issuer and audience compared in place.
/// NumericDates are Unix milliseconds (see `NumericDate`).
struct ClaimFacts {
    var expiresAtMilliseconds: Int64 = 0
    var notBeforeMilliseconds: Int64?
    var issuerMatches = false
    var audienceMatches = false
    var validated = AccessTokenClaims()

    /// What the claims say, or why the token is refused for them.
    enum Reading {
        case facts(ClaimFacts)
        case rejected(TokenRejection)
    }

    /// RFC 9068 §2.2's required claims, as bits, in the order they are reported.
    private enum Required {
        static let iss: UInt8 = 1, exp: UInt8 = 2, aud: UInt8 = 4, sub: UInt8 = 8
        static let clientID: UInt8 = 16, iat: UInt8 = 32, jti: UInt8 = 64
        static let all: UInt8 = 127
    }

    /// The fast path. It only ever accepts: a payload with every required
    /// claim present and plainly typed. Anything else, and so every refusal,
    /// is judged by `readFully`.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, issuer: [UInt8], audience: [UInt8], extractsTokenID: Bool,
                     extractsIdentity: Bool) -> Reading {
        var facts = ClaimFacts()
        var present: UInt8 = 0
        var needsFullParser = false
        let result = FlatJSONScanner.forEachMember(in: bytes) { key, code, value in
            switch value {
            case .integer(let n):
                switch code {
                case MemberName.exp: facts.expiresAtMilliseconds = saturatingProduct(n, 1000); present |= Required.exp
                case MemberName.nbf: facts.notBeforeMilliseconds = saturatingProduct(n, 1000)
                case MemberName.iat:
                    facts.validated.issuedAt = NumericDate.secondsRoundedDown(saturatingProduct(n, 1000))
                    present |= Required.iat
                default: break
                }
            case .string(let text):
                switch code {
                case MemberName.sub: present |= Required.sub; if extractsIdentity { facts.validated.subject = text.string }
                case MemberName.iss: present |= Required.iss; facts.issuerMatches = text.equals(issuer)
                case MemberName.aud: present |= Required.aud; facts.audienceMatches = text.equals(audience)
                case MemberName.jti: present |= Required.jti; if extractsTokenID { facts.validated.tokenID = text.string }
                case MemberName.sid: if extractsIdentity { facts.validated.sessionID = text.string }
                case MemberName.role: facts.validated.role = text.string
                case MemberName.scope: facts.validated.scope = text.string
                case MemberName.nbf: needsFullParser = true // a NumericDate written as a string
                case 0 where key.equals("client_id"):
                    present |= Required.clientID
                    if extractsIdentity { facts.validated.clientID = text.string }
                default: break
                }
            case .stringArray:
                if code == MemberName.aud || code == MemberName.nbf { needsFullParser = true }
            }
        }
        guard result == .done, !needsFullParser, present == Required.all else {
            return readFully(Array(bytes), issuer: issuer, audience: audience, extractsTokenID: extractsTokenID,
                             extractsIdentity: extractsIdentity)
        }
        facts.validated.expiresAt = NumericDate.secondsRoundedUp(facts.expiresAtMilliseconds)
        facts.validated.notBefore = facts.notBeforeMilliseconds.map(NumericDate.secondsRoundedUp)
        return .facts(facts)
    }

    /// The full path, through the same strict parser as `decode`: escapes,
    /// arrays, nesting, fractions, and every reason for a refusal.
    static func readFully(_ bytes: [UInt8], issuer: [UInt8], audience: [UInt8], extractsTokenID: Bool,
                          extractsIdentity: Bool) -> Reading {
        let json: JSONValue
        do { json = try DecodedJWS.jsonObject(bytes, part: "payload") } catch { return .rejected(.malformed(error.description)) }
        // RFC 7519 §4 lets a parser take the last duplicate instead; refusing
        // is the choice that no two libraries can read differently.
        if let name = json.firstRepeatedMemberName { return .rejected(.duplicateMember(name, inHeader: false)) }
        var facts = ClaimFacts()
        enum DateClaim { case absent, notANumber, milliseconds(Int64) }
        func numericDate(_ name: String) -> DateClaim {
            guard let value = json[name] else { return .absent }
            return value.numericDateMilliseconds.map { .milliseconds($0) } ?? .notANumber
        }
        func string(_ name: String) -> String? { json[name]?.stringValue }
        let issuer = String(decoding: issuer, as: UTF8.self), audience = String(decoding: audience, as: UTF8.self)
        // RFC 9068 §2.2, in its order: iss, exp, aud, sub, client_id, iat, jti.
        guard let iss = string("iss") else { return .rejected(.missingClaim("iss")) }
        switch numericDate("exp") {
        case .notANumber: return .rejected(.notNumericDate("exp"))
        case .absent: return .rejected(.missingClaim("exp"))
        case .milliseconds(let milliseconds): facts.expiresAtMilliseconds = milliseconds
        }
        switch json["aud"] {
        case .string(let aud): facts.audienceMatches = aud == audience
        case .array(let items) where items.allSatisfy({ $0.stringValue != nil }): facts.audienceMatches = items.contains(.string(audience))
        default: return .rejected(.missingClaim("aud"))
        }
        guard let subject = string("sub") else { return .rejected(.missingClaim("sub")) }
        guard let clientID = string("client_id") else { return .rejected(.missingClaim("client_id")) }
        switch numericDate("iat") {
        case .notANumber: return .rejected(.notNumericDate("iat"))
        case .absent: return .rejected(.missingClaim("iat"))
        case .milliseconds(let milliseconds): facts.validated.issuedAt = NumericDate.secondsRoundedDown(milliseconds)
        }
        guard let tokenID = string("jti") else { return .rejected(.missingClaim("jti")) }
        switch numericDate("nbf") {
        case .notANumber: return .rejected(.notNumericDate("nbf"))
        case .absent: break
        case .milliseconds(let milliseconds): facts.notBeforeMilliseconds = milliseconds
        }
        facts.issuerMatches = iss == issuer
        if extractsIdentity {
            facts.validated.subject = subject
            facts.validated.clientID = clientID
            facts.validated.sessionID = string("sid") ?? ""
        }
        if extractsTokenID { facts.validated.tokenID = tokenID }
        facts.validated.role = string("role") ?? ""
        facts.validated.scope = string("scope") ?? ""
        facts.validated.confirmationThumbprint = json["cnf"]?["jkt"]?.stringValue
        facts.validated.expiresAt = NumericDate.secondsRoundedUp(facts.expiresAtMilliseconds)
        facts.validated.notBefore = facts.notBeforeMilliseconds.map(NumericDate.secondsRoundedUp)
        return .facts(facts)
    }
}
