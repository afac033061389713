import TokenLabCore

/// Why a resource server refused an access token: a value, not an error,
/// because a refusal is a protocol outcome that the trace records.
public enum TokenRejection: Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case algorithmNotAllowed(String)
    case wrongType(String?)
    case unknownKey(String?)
    /// The `kid` names a key of another algorithm (an RSA public key under
    /// an HS256 header): a key is used with its own algorithm only.
    case keyOfAnotherAlgorithm(kid: String, alg: String, keyAlgorithm: String)
    case badSignature
    case expired(ago: Duration)
    case notYetValid(for: Duration)
    case wrongIssuer
    case wrongAudience
    case missingClaim(String)
    /// A `crit` header naming extensions this validator does not understand
    /// (it understands none), or a `crit` that is not a list of names.
    case criticalHeader(String)
    /// A header parameter (`inHeader`) or claim written twice.
    case duplicateMember(String, inHeader: Bool)
    /// `exp`, `nbf` or `iat` present but not a JSON number.
    case notNumericDate(String)

    public var description: String {
        switch self {
        case .malformed(let why): "malformed: \(why)"
        case .algorithmNotAllowed(let alg): "alg \(JSONValue.quoted(alg)) not allowed"
        case .wrongType(let typ): typ.map { "typ \(JSONValue.quoted($0)) is not at+jwt" } ?? "typ missing, at+jwt required"
        case .unknownKey(let kid): kid.map { "unknown kid \(JSONValue.quoted($0))" } ?? "no kid and no single key"
        case .keyOfAnotherAlgorithm(let kid, let alg, let keyAlgorithm):
            "kid \(JSONValue.quoted(kid)) is an \(keyAlgorithm) key: one key, one algorithm, never an \(alg) secret"
        case .badSignature: "signature does not verify"
        case .expired(let ago): "expired \(ago.text) ago"
        case .notYetValid(let wait): "not valid for another \(wait.text)"
        case .wrongIssuer: "issuer is not this auth server"
        case .wrongAudience: "audience is not this API"
        case .missingClaim(let name): "claim \(name) missing or not of the right type"
        case .criticalHeader(let why): why
        case .duplicateMember(let name, let inHeader):
            "\(inHeader ? "header parameter" : "claim") \(JSONValue.quoted(name)) appears more than once"
        case .notNumericDate(let name): "claim \(name) is not a NumericDate (a JSON number of seconds)"
        }
    }

    /// The rule that refused the token, with its section.
    public var rule: String {
        switch self {
        // Structure (§7.1), base64url, and "a UTF-8-encoded representation
        // of a completely valid JSON object" (RFC 7519 §7.2 steps 4 and 10).
        case .malformed: "RFC 7515 §7.1, RFC 7519 §7.2"
        case .algorithmNotAllowed: "RFC 8725 §3.1"
        case .wrongType: "RFC 9068 §4, RFC 8725 §3.11"
        case .unknownKey: "RFC 7515 §4.1.4"
        case .keyOfAnotherAlgorithm: "RFC 8725 §3.1"
        case .badSignature: "RFC 7515 §5.2"
        case .expired: "RFC 7519 §4.1.4"
        case .notYetValid: "RFC 7519 §4.1.5"
        case .wrongIssuer: "RFC 9068 §4, RFC 7519 §4.1.1"
        case .wrongAudience: "RFC 9068 §4, RFC 7519 §4.1.3"
        case .missingClaim: "RFC 9068 §2.2"
        case .criticalHeader: "RFC 7515 §4.1.11"
        case .duplicateMember(_, let inHeader): inHeader ? "RFC 7515 §4" : "RFC 7519 §4"
        case .notNumericDate(let name):
            switch name {
            case "nbf": "RFC 7519 §2, §4.1.5"
            case "iat": "RFC 7519 §2, §4.1.6"
            default: "RFC 7519 §2, §4.1.4"
            }
        }
    }

    /// A one-word code for traces and tables.
    public var code: String {
        switch self {
        case .malformed: "malformed"
        case .algorithmNotAllowed: "alg"
        case .wrongType: "typ"
        case .unknownKey, .keyOfAnotherAlgorithm: "kid"
        case .badSignature: "signature"
        case .expired: "expired"
        case .notYetValid: "nbf"
        case .wrongIssuer: "iss"
        case .wrongAudience: "aud"
        case .missingClaim: "claim"
        case .criticalHeader: "crit"
        case .duplicateMember: "duplicate"
        case .notNumericDate: "claim"
        }
    }
}
