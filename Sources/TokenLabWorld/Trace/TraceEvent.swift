import TokenLabCore

/// One thing that happened, as a value: printed as one line, written to the
/// trace as one JSON object. Protocol outcomes (expired, revoked, reuse
/// detected) are events like any other, never thrown errors.
public struct TraceEvent: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case request, client, security
    }

    public var time: VirtualTime
    public var sequence: Int
    public var kind: Kind
    public var from: String
    public var to: String?
    public var action: String
    public var outcome: String
    public var status: Int?
    public var rule: String?
    public var tokens: [String]
    /// Tokens this event minted, with a fingerprint drawn from the seed: the
    /// `jti` of an access token, a SHA-256 prefix of a refresh token.
    public var minted: [MintedToken] = []
    /// The `WWW-Authenticate` header the API sent with a 401 or 403.
    public var challenge: String?

    /// The header, shown on its own line under the event's.
    public var challengeLine: String? { challenge.map { String(repeating: " ", count: 14) + "WWW-Authenticate: " + $0 } }

    /// `00:05:00.020  alice.browser -> api  GET /orders  Bearer at3  401 invalid_token: expired 20ms ago  [RFC 7519 §4.1.4]`
    public var line: String {
        var text = time.clockText + "  " + from
        if let to { text += " -> " + to }
        text += "  " + action
        if !outcome.isEmpty { text += "  " + outcome }
        if let rule, !rule.isEmpty { text += "  [" + rule + "]" }
        return text
    }
}

public struct MintedToken: Equatable, Sendable {
    public var id: String
    public var fingerprint: String
}
