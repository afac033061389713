import TokenLabCore

/// Why a resource server refused an access token: a value, not an error,
/// because a refusal is a protocol outcome that the trace records.
public enum TokenRejection: Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case algorithmNotAllowed(String)
    case wrongType(String?)
    case unknownKey(String?)
    case badSignature
    case expired(ago: Duration)
    case notYetValid(for: Duration)
    case wrongIssuer
    case wrongAudience
    case missingClaim(String)

    public var description: String {
        switch self {
        case .malformed(let why): "malformed: \(why)"
        case .algorithmNotAllowed(let alg): "alg \(JSONValue.quoted(alg)) not allowed"
        case .wrongType(let typ): typ.map { "typ \(JSONValue.quoted($0)) is not at+jwt" } ?? "typ missing, at+jwt required"
        case .unknownKey(let kid): kid.map { "unknown kid \(JSONValue.quoted($0))" } ?? "no kid and no single key"
        case .badSignature: "signature does not verify"
        case .expired(let ago): "expired \(ago.text) ago"
        case .notYetValid(let wait): "not valid for another \(wait.text)"
        case .wrongIssuer: "issuer is not this auth server"
        case .wrongAudience: "audience is not this API"
        case .missingClaim(let name): "claim \(name) missing or not of the right type"
        }
    }

    /// The rule that refused the token, with its section.
    public var rule: String {
        switch self {
        case .malformed: "RFC 7515 §7.1"
        case .algorithmNotAllowed: "RFC 8725 §3.1"
        case .wrongType: "RFC 9068 §4, RFC 8725 §3.11"
        case .unknownKey: "RFC 7515 §4.1.4"
        case .badSignature: "RFC 7515 §5.2"
        case .expired: "RFC 7519 §4.1.4"
        case .notYetValid: "RFC 7519 §4.1.5"
        case .wrongIssuer: "RFC 9068 §4, RFC 7519 §4.1.1"
        case .wrongAudience: "RFC 9068 §4, RFC 7519 §4.1.3"
        case .missingClaim: "RFC 9068 §2.2"
        }
    }

    /// A one-word code for traces and tables.
    public var code: String {
        switch self {
        case .malformed: "malformed"
        case .algorithmNotAllowed: "alg"
        case .wrongType: "typ"
        case .unknownKey: "kid"
        case .badSignature: "signature"
        case .expired: "expired"
        case .notYetValid: "nbf"
        case .wrongIssuer: "iss"
        case .wrongAudience: "aud"
        case .missingClaim: "claim"
        }
    }
}
