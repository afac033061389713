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

    static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> HeaderFacts? {
        var facts = HeaderFacts()
        var sawAlg = false
        let result = FlatJSONScanner.forEachMember(in: bytes) { key, value in
            guard case .string(let text) = value else { return }
            switch key.shortKeyCode {
            case MemberName.alg: facts.alg = text.string; sawAlg = true
            case MemberName.typ: facts.typ = text.string
            case MemberName.kid: facts.kid = text.string
            default: break
            }
        }
        switch result {
        case .done: return sawAlg ? facts : nil
        case .malformed: return nil
        case .needsFullParser:
            guard let json = try? JSONValue.parse(Array(bytes)), let alg = json["alg"]?.stringValue else { return nil }
            return HeaderFacts(alg: alg, typ: json["typ"]?.stringValue, kid: json["kid"]?.stringValue)
        }
    }
}

/// The claims the validator needs, with issuer and audience compared in place.
struct ClaimFacts {
    var exp: Int64?
    var nbf: Int64?
    var issuerMatches = false
    var audienceMatches = false
    var validated = AccessTokenClaims()

    static func read(_ bytes: UnsafeBufferPointer<UInt8>, issuer: [UInt8], audience: [UInt8], extractsTokenID: Bool,
                     extractsIdentity: Bool) -> ClaimFacts? {
        var facts = ClaimFacts()
        let result = FlatJSONScanner.forEachMember(in: bytes) { key, value in
            let code = key.shortKeyCode
            switch value {
            case .integer(let n):
                switch code {
                case MemberName.exp: facts.exp = n
                case MemberName.nbf: facts.nbf = n
                case MemberName.iat: facts.validated.issuedAt = n
                default: break
                }
            case .string(let text):
                switch code {
                case MemberName.sub: if extractsIdentity { facts.validated.subject = text.string }
                case MemberName.iss: facts.issuerMatches = text.equals(issuer)
                case MemberName.aud: facts.audienceMatches = text.equals(audience)
                case MemberName.jti: if extractsTokenID { facts.validated.tokenID = text.string }
                case MemberName.sid: if extractsIdentity { facts.validated.sessionID = text.string }
                case MemberName.role: facts.validated.role = text.string
                case MemberName.scope: facts.validated.scope = text.string
                case 0 where extractsIdentity && key.equals("client_id"): facts.validated.clientID = text.string
                default: break
                }
            case .stringArray:
                if code == MemberName.aud { facts.audienceMatches = false; facts.needsFullAudience = true }
            case .other:
                break
            }
        }
        switch result {
        case .done where !facts.needsFullAudience: return facts
        case .malformed: return nil
        case .done, .needsFullParser:
            guard let json = try? JSONValue.parse(Array(bytes)) else { return nil }
            return ClaimFacts(json: json, issuer: String(decoding: issuer, as: UTF8.self),
                              audience: String(decoding: audience, as: UTF8.self))
        }
    }

    private var needsFullAudience = false

    init() {}

    /// The slow path, for payloads with escapes, arrays or nesting.
    init?(json: JSONValue, issuer: String, audience: String) {
        guard case .object = json else { return nil }
        exp = json["exp"]?.intValue
        nbf = json["nbf"]?.intValue
        issuerMatches = json["iss"]?.stringValue == issuer
        switch json["aud"] {
        case .string(let aud): audienceMatches = aud == audience
        case .array(let items): audienceMatches = items.contains(.string(audience))
        default: audienceMatches = false
        }
        validated.subject = json["sub"]?.stringValue ?? ""
        validated.tokenID = json["jti"]?.stringValue ?? ""
        validated.sessionID = json["sid"]?.stringValue ?? ""
        validated.role = json["role"]?.stringValue ?? ""
        validated.scope = json["scope"]?.stringValue ?? ""
        validated.clientID = json["client_id"]?.stringValue ?? ""
        validated.issuedAt = json["iat"]?.intValue ?? 0
        validated.confirmationThumbprint = json["cnf"]?["jkt"]?.stringValue
    }
}
