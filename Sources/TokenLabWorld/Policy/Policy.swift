import TokenLabCore

/// Where a client keeps its tokens; decides what XSS can read and how the
/// access token travels (RFC 6750 §2.1 header, or a cookie). Memory and
/// sessionStorage belong to one tab; localStorage and cookies are shared by
/// the browser's tabs (browser-based-apps BCP §8.4, §8.5).
public enum TokenStorage: String, CaseIterable, Sendable {
    case memory, localStorage, cookie, sessionStorage
}

public enum SameSite: String, CaseIterable, Sendable {
    case strict, lax, none
}

public enum SigningAlgorithm: String, CaseIterable, Sendable {
    case HS256, RS256
}

public enum ValidationMode: String, CaseIterable, Sendable {
    case local, introspection
}

/// How a user logs in: the authorization code flow (RFC 6749 §4.1), or the
/// password grant (RFC 6749 §4.3), which RFC 9700 §2.4 says must not be used.
public enum LoginFlow: String, CaseIterable, Sendable {
    case code, password
}

/// PKCE (RFC 7636): the browser sends S256(verifier) with the authorization
/// request and the verifier with the token request, or nothing at all.
public enum PKCEMethod: String, CaseIterable, Sendable {
    case S256, off
}

/// How the auth server makes an HS256 secret: 32 random bytes (RFC 7518
/// §3.2), or a common word (RFC 8725 §3.5 forbids it; `crack` finds it).
public enum SecretStrength: String, CaseIterable, Sendable {
    case strong, weak
}

/// Who is the OAuth client (browser-based-apps BCP §6): the page itself
/// (§6.3), a token-mediating backend that keeps the refresh token and hands
/// the page the access token (§6.2), or a backend-for-frontend that keeps
/// both and proxies the page's API calls (§6.1). Both backends are
/// confidential clients: the token endpoint wants their credentials.
public enum ClientArchitecture: String, CaseIterable, Sendable {
    case browser
    case tokenMediating = "token-mediating"
    case bff
}

extension ClientArchitecture {
    /// One paragraph each, with the section of the browser-based-apps BCP.
    public var explanation: String {
        switch self {
        case .browser:
            "the page is a public OAuth client (browser-based-apps BCP §6.3): it runs the code flow with PKCE and keeps both tokens where storage says, so injected script can read them or run a silent login of its own."
        case .tokenMediating:
            "a token-mediating backend (browser-based-apps BCP §6.2), a confidential client, runs the code exchange with its credentials and keeps the refresh token; the page gets only the access token (from the backend, with its session cookie) and calls the API itself, so script can steal access tokens but never the refresh token."
        case .bff:
            "a backend-for-frontend (browser-based-apps BCP §6.1), a confidential client, runs the code exchange with its credentials, keeps both tokens and calls the API for the page; the page holds only an HttpOnly session cookie, so script steals no token, but can ride the session while the page is open."
        }
    }
}

/// Every defence, as a named setting. Presets are values of this type.
public struct Policy: Equatable, Sendable {
    public var accessTTL: Duration = .minutes(15)
    public var refreshTTL: Duration = .days(30)
    public var refreshIdle: Duration? = nil
    public var rotation = false
    public var reuseDetection = false
    public var reuseGrace: Duration = .zero
    public var revokeOnLogout = true
    public var denylist = false
    public var validation: ValidationMode = .local
    public var introspectionCache: Duration = .zero
    public var leeway: Duration = .zero
    public var checksIssuer = true
    public var checksAudience = true
    public var checksType = true
    public var allowedAlgorithms: [String] = ["HS256"]
    /// Where the browser keeps each token (issue 13): the common advice is
    /// the access token in memory and the refresh token in an HttpOnly cookie.
    public var accessStorage: TokenStorage = .localStorage
    public var refreshStorage: TokenStorage = .localStorage
    /// Both at once (`set storage`); reads the access token's place.
    public var storage: TokenStorage {
        get { accessStorage }
        set { accessStorage = newValue; refreshStorage = newValue }
    }
    /// The refresh cookie's Path: the browser sends it only to paths under it (RFC 6265 §5.1.4).
    public var cookiePath = "/token"
    public var cookieHttpOnly = true
    public var cookieSecure = true
    public var cookieSameSite: SameSite = .strict
    public var tls = true
    public var latency: Duration = .milliseconds(20)
    public var refreshAhead: Duration? = nil
    /// Sender-constrained tokens (RFC 9449): bound to a key the client holds.
    public var dpop = false
    /// The client sends the access token as `?access_token=` (RFC 6750 §2.3),
    /// where server logs keep it.
    public var tokenInQuery = false
    /// How the auth server signs access tokens.
    public var signing: SigningAlgorithm = .HS256
    /// Each verification key is used only with its own algorithm.
    public var keysPerAlgorithm = true
    /// The login: authorization code with PKCE (RFC 9700 §2.1.1), or the deprecated password grant.
    public var loginFlow: LoginFlow = .code
    public var pkce: PKCEMethod = .S256
    public var secretStrength: SecretStrength = .strong
    /// Who holds the tokens: the page, a token-mediating backend, or a BFF.
    public var architecture: ClientArchitecture = .browser

    public init() {}
}

extension Policy {
    /// The refresh cookie's attributes as a Set-Cookie header lists them.
    var refreshCookieAttributes: String {
        ([cookieHttpOnly ? "HttpOnly" : nil, cookieSecure ? "Secure" : nil].compactMap { $0 }
         + ["SameSite=\(cookieSameSite.rawValue.capitalized)", "Path=\(cookiePath)"]).joined(separator: " ")
    }

    public static let presetNames = ["insecure", "baseline", "rotation", "bcp", "introspection", "dpop", "spa", "token-mediating", "bff"]

    /// A backend (BFF or token-mediating) is the OAuth client.
    var hasBackend: Bool { architecture != .browser }

    public static func preset(named name: String) -> Policy? {
        switch name {
        case "insecure": .insecure
        case "baseline": .baseline
        case "rotation": .rotation
        case "bcp": .bcp
        case "introspection": .introspection
        case "dpop": .dpop
        case "spa": .spa
        case "token-mediating": .tokenMediating
        case "bff": .bff
        default: nil
        }
    }

    /// Everything off: long-lived tokens, no rotation, plain links, `alg: none` accepted.
    public static var insecure: Policy {
        var p = Policy()
        p.accessTTL = .hours(24)
        p.refreshTTL = .days(90)
        p.revokeOnLogout = false
        p.checksAudience = false
        p.checksType = false
        p.allowedAlgorithms = ["HS256", "RS256", "none"]
        p.signing = .RS256
        p.keysPerAlgorithm = false
        p.tokenInQuery = true
        p.leeway = .minutes(5)
        p.tls = false
        p.loginFlow = .password
        return p
    }

    /// Short access tokens and full resource-server checks; refresh tokens not rotated.
    public static var baseline: Policy { Policy() }

    /// Baseline plus refresh rotation with reuse detection (RFC 9700 §4.14.2).
    public static var rotation: Policy {
        var p = Policy()
        p.rotation = true
        p.reuseDetection = true
        return p
    }

    /// The OAuth 2.0 Security BCP and the browser-based-apps BCP, applied.
    public static var bcp: Policy {
        var p = rotation
        p.accessTTL = .minutes(5)
        p.refreshTTL = .hours(8)
        p.refreshIdle = .hours(1)
        p.storage = .cookie
        p.denylist = true
        return p
    }

    /// Rotation, and an API that asks the auth server about every token
    /// (RFC 7662) with a 30 s cache, plus the denylist: revocation reaches
    /// the API within the cache time instead of at expiry.
    /// Rotation plus sender-constrained tokens (RFC 9449): the tokens sit in
    /// localStorage, readable by XSS, yet useless without the browser's key.
    public static var dpop: Policy {
        var p = rotation
        p.dpop = true
        return p
    }

    /// A common setup for a browser-based OAuth client (browser-based-apps
    /// BCP §6.3; the refresh cookie is the auth server's own choice, not a
    /// pattern of the BCP): the access token in the page's memory
    /// (15 min), the refresh token in an HttpOnly, Secure, SameSite=Strict
    /// cookie scoped to the token endpoint, rotated with reuse detection,
    /// revoked on logout, TLS.
    public static var spa: Policy {
        var p = rotation
        p.accessStorage = .memory
        p.refreshStorage = .cookie
        p.cookiePath = "/token"
        p.cookieHttpOnly = true
        p.cookieSecure = true
        p.cookieSameSite = .strict
        p.revokeOnLogout = true
        p.tls = true
        return p
    }

    /// A backend-for-frontend (browser-based-apps BCP §6.1): a confidential
    /// client on the server holds both tokens and proxies the page's API
    /// calls; the page holds only an HttpOnly, Secure, SameSite=Strict
    /// session cookie with Path=/ (§6.1.3.2). Rotation with reuse detection
    /// and revocation on logout as in `spa`.
    public static var bff: Policy {
        var p = rotation
        p.architecture = .bff
        p.cookieHttpOnly = true
        p.cookieSecure = true
        p.cookieSameSite = .strict
        p.cookiePath = "/"
        return p
    }

    /// A token-mediating backend (browser-based-apps BCP §6.2): a
    /// confidential client on the server obtains the tokens, keeps the
    /// refresh token and hands the page the access token, which the page
    /// keeps in memory (§6.2.4.3.1) and sends to the API itself.
    public static var tokenMediating: Policy {
        var p = bff
        p.architecture = .tokenMediating
        p.accessStorage = .memory
        return p
    }

    public static var introspection: Policy {
        var p = rotation
        p.validation = .introspection
        p.introspectionCache = .seconds(30)
        p.denylist = true
        return p
    }
}
