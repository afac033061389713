import TokenLabCore
import TokenLabTokens

/// A protected resource and what it takes to read it.
public struct Resource: Sendable {
    public let method: String
    public let path: String
    public let requiredScope: String?
    public let requiredRole: String?
    public let body: String

    public static let catalog: [Resource] = [
        Resource(method: "GET", path: "/orders", requiredScope: "orders:read", requiredRole: nil, body: "3 orders"),
        Resource(method: "GET", path: "/profile", requiredScope: nil, requiredRole: nil, body: "profile"),
        Resource(method: "GET", path: "/admin", requiredScope: "admin", requiredRole: "admin", body: "admin console"),
        Resource(method: "POST", path: "/orders", requiredScope: "orders:read", requiredRole: nil, body: "order placed"),
    ]
}

/// The resource server's answer (RFC 6750 §3): 200, 401 with a
/// `WWW-Authenticate` reason, 403 `insufficient_scope`, or 404.
public struct APIResponse: Sendable, Equatable {
    public var status: Int
    public var error: String?
    public var description: String
    public var rule: String?
    public var rejection: TokenRejection?
    /// On success, the role the token carried: how far its holder got.
    public var role: String?

    static func ok(_ body: String) -> APIResponse { APIResponse(status: 200, description: body) }

    static func invalidToken(_ description: String, rule: String, rejection: TokenRejection? = nil) -> APIResponse {
        APIResponse(status: 401, error: "invalid_token", description: description, rule: rule, rejection: rejection)
    }

    /// The header a real server would send with a 401 or 403 (RFC 6750 §3),
    /// under the `Bearer` scheme or, for DPoP, the `DPoP` one (RFC 9449 §7.1).
    /// A request without credentials gets no error code (RFC 6750 §3.1).
    public func wwwAuthenticate(scheme: String = "Bearer") -> String? {
        guard status == 401 || status == 403 else { return nil }
        guard let error else { return "\(scheme) realm=\"api\"" }
        return "\(scheme) realm=\"api\", error=\"\(error)\", error_description=\"\(APIResponse.headerSafe(description))\""
    }

    /// RFC 6750 §3: error_description may hold only %x20-21 / %x23-5B / %x5D-7E,
    /// so no quote, backslash or non-ASCII character inside the quoted string.
    static func headerSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar -> Unicode.Scalar in
            if scalar == "\"" { return "'" }
            let value = scalar.value
            return (0x20...0x7E).contains(value) && scalar != "\\" ? scalar : "?"
        }))
    }

    public var summary: String {
        var text = "\(status)"
        if let error { text += " \(error): \(description)" } else { text += " " + description }
        return text
    }
}

/// The API: validates access tokens locally or by introspection, checks the
/// denylist when the policy has one, and authorizes by scope and role.
final class ResourceServer {
    private(set) var validator: AccessTokenValidator
    /// Introspection answers by token, kept for `introspection.cache`.
    private var cache: [String: (active: Bool, claims: AccessTokenClaims?, reason: String, until: VirtualTime)] = [:]
    /// Whether to consult the auth server's denylist (policy `denylist`).
    private var checksDenylist = false
    /// DPoP proof ids seen, with their iat, to refuse a replayed proof (RFC 9449 §11.1).
    private var seenProofs: [String: Int64] = [:]
    static let base = "https://api.tokenlab.test"
    static let proofMaxAge: Int64 = 60

    init(keys: [HS256Key]) {
        validator = AccessTokenValidator(rules: ValidationRules(issuer: AuthServer.issuer, audience: AuthServer.apiAudience, keys: keys))
    }

    /// An independent copy for a world snapshot, with its own validator.
    init(copying other: ResourceServer) {
        validator = AccessTokenValidator(rules: other.validator.rules)
        cache = other.cache
        checksDenylist = other.checksDenylist
        seenProofs = other.seenProofs
    }

    func apply(_ policy: Policy, keys: [HS256Key]) {
        var rules = ValidationRules(issuer: AuthServer.issuer, audience: AuthServer.apiAudience, keys: keys)
        rules.checksIssuer = policy.checksIssuer
        rules.checksAudience = policy.checksAudience
        rules.checksType = policy.checksType
        rules.allowedAlgorithms = policy.allowedAlgorithms
        rules.leeway = policy.leeway
        rules.extractsTokenID = policy.denylist
        rules.extractsIdentity = false
        // The API knows the RSA public key only when the auth server signs with it.
        rules.rsaKeys = policy.signing == .RS256 ? [RS256Key.lab] : []
        rules.keysPerAlgorithm = policy.keysPerAlgorithm
        validator.rules = rules
        checksDenylist = policy.denylist
        if policy.validation == .local { cache.removeAll() }
    }

    static func resource(method: String, path: String) -> Resource? {
        Resource.catalog.first(where: { $0.method == method && $0.path == path })
    }

    enum LocalCheck {
        case accepted(AccessTokenClaims)
        case refused(APIResponse)
    }

    /// Local validation (RFC 9068 §4) and the denylist.
    func validateLocally(_ token: String?, now: VirtualTime, auth: AuthServer) -> LocalCheck {
        guard let token else {
            return .refused(APIResponse(status: 401, description: "no token", rule: "RFC 6750 §3.1"))
        }
        switch validator.validate(token, now: now, epoch: World.epoch) {
        case .rejected(let rejection):
            return .refused(.invalidToken(rejection.description, rule: rejection.rule, rejection: rejection))
        case .valid(let claims):
            if checksDenylist, auth.isDenylisted(claims.tokenID) {
                return .refused(.invalidToken("revoked (denylisted)", rule: "RFC 7009 §2.1"))
            }
            return .accepted(claims)
        }
    }

    func cachedIntrospection(_ token: String, now: VirtualTime) -> (active: Bool, claims: AccessTokenClaims?, reason: String)? {
        guard let hit = cache[token], now < hit.until else { return nil }
        return (hit.active, hit.claims, hit.reason + " (cached)")
    }

    /// Until when the API answers `token` from its cache.
    func cachedUntil(_ token: String, now: VirtualTime) -> VirtualTime? {
        cache[token].flatMap { now < $0.until ? $0.until : nil }
    }

    func remember(_ token: String, _ answer: (active: Bool, claims: AccessTokenClaims?, reason: String), now: VirtualTime, policy: Policy) {
        guard policy.introspectionCache.milliseconds > 0 else { return }
        cache[token] = (answer.active, answer.claims, answer.reason, now + policy.introspectionCache)
    }

    /// A proof for this request, by some key, used once (RFC 9449 §4.3).
    func checkProof(_ proof: String?, method: String, url: String, accessToken: String, now: VirtualTime) -> DPoPCheck {
        let seconds = now.unixSeconds(epoch: World.epoch)
        let check = DPoPCheck.verify(proof, method: method, url: url, now: seconds, maxAge: ResourceServer.proofMaxAge,
                                     accessToken: accessToken)
        guard case .valid(_, let id) = check else { return check }
        if seenProofs[id] != nil { return .invalid("proof replayed (jti seen before)") }
        seenProofs = seenProofs.filter { seconds - $0.value <= ResourceServer.proofMaxAge }
        seenProofs[id] = seconds
        return check
    }

    /// Scope and role checks (RFC 6750 §3.1 `insufficient_scope`).
    func authorize(_ claims: AccessTokenClaims, for resource: Resource) -> APIResponse {
        if let scope = resource.requiredScope, !claims.hasScope(scope) {
            return APIResponse(status: 403, error: "insufficient_scope", description: "needs scope \(scope)", rule: "RFC 6750 §3.1")
        }
        if let role = resource.requiredRole, claims.role != role {
            return APIResponse(status: 403, error: "insufficient_scope", description: "needs role \(role)", rule: "RFC 6750 §3.1")
        }
        var ok = APIResponse.ok(resource.body)
        ok.role = claims.role
        return ok
    }
}
