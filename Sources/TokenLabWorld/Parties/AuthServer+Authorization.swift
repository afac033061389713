import TokenLabCore
import TokenLabTokens

/// An authorization request (RFC 6749 §4.1.1) with its PKCE challenge
/// (RFC 7636 §4.3). A class, so that an exchange holding it stays small.
final class AuthorizationRequest {
    let clientID: String
    let redirectURI: String
    let state: String
    /// BASE64URL(SHA256(verifier)); nil when the client sends no PKCE.
    let codeChallenge: String?

    init(clientID: String, redirectURI: String, state: String, codeChallenge: String?) {
        self.clientID = clientID
        self.redirectURI = redirectURI
        self.state = state
        self.codeChallenge = codeChallenge
    }
}

/// One authorization code as the auth server keeps it: bound to the client,
/// the redirect URI and the PKCE challenge it was issued with (RFC 6749 §4.1.2).
struct AuthorizationCode {
    let user: Int
    let clientID: String
    let redirectURI: String
    let codeChallenge: String?
    let expiresAt: VirtualTime
    /// When it was redeemed, and the family its tokens started.
    var redeemed: (at: VirtualTime, family: Int)?
}

enum AuthorizationResult {
    case code(String, expiresAt: VirtualTime)
    case refused(OAuthError)
}

extension AuthServer {
    /// The one registered client and its one redirect URI. The model has no
    /// dynamic registration: a public browser client, known by its id.
    static let registeredRedirects = ["browser-app": World.redirectURI, backendClientID: World.backendRedirectURI]
    /// The app's backend (BFF or token-mediating) is a confidential client (RFC 6749 §2.1).
    static let backendClientID = "backend-app"
    static let confidentialClients = [backendClientID]

    /// RFC 6749 §3.2.1: a confidential client authenticates at the
    /// token endpoint; without its credentials the answer is 401
    /// invalid_client (§5.2). Nil when the request may go on.
    static func clientAuthenticationFailure(clientID: String, authenticated: Bool) -> OAuthError? {
        guard confidentialClients.contains(clientID), !authenticated else { return nil }
        return OAuthError(status: 401, code: "invalid_client",
                          description: "client authentication failed: \(clientID) is a confidential client and the request carries none of its credentials",
                          rule: "RFC 6749 §3.2.1, §5.2")
    }
    /// RFC 6749 §4.1.2 recommends at most 10 minutes; a minute is plenty for a redirect.
    static let codeLifetime = Duration.seconds(60)

    /// The authorization endpoint (RFC 6749 §4.1.1). The user is already
    /// authenticated here and consents: the model has no login form.
    func authorize(_ request: AuthorizationRequest, user name: String, now: VirtualTime, policy: Policy) -> AuthorizationResult {
        guard let user = userIndex(named: name) else {
            return .refused(OAuthError(code: "access_denied", description: "no such user", rule: "RFC 6749 §4.1.2.1"))
        }
        // Exact string matching, no patterns (RFC 9700 §2.1, §4.1.3). A bad
        // redirect URI is never redirected to (RFC 6749 §4.1.2.1).
        guard let registered = AuthServer.registeredRedirects[request.clientID], registered == request.redirectURI else {
            return .refused(OAuthError(code: "invalid_request",
                                       description: "redirect_uri \(request.redirectURI) is not registered for \(request.clientID)",
                                       rule: "RFC 6749 §4.1.2.1, RFC 9700 §2.1"))
        }
        let value = Base64URL.encode(codeValues.bytes(16))
        let expiresAt = now + AuthServer.codeLifetime
        codes[value] = AuthorizationCode(user: user, clientID: request.clientID, redirectURI: request.redirectURI,
                                         codeChallenge: request.codeChallenge, expiresAt: expiresAt)
        return .code(value, expiresAt: expiresAt)
    }

    /// The token request with a code (RFC 6749 §4.1.3, RFC 7636 §4.5, §4.6).
    /// A code presented again is refused and its family revoked (RFC 6749 §4.1.2).
    func codeGrant(code: String, clientID: String, redirectURI: String, verifier: String?, proof: String?, authenticated: Bool = false,
                   now: VirtualTime, policy: Policy) -> (TokenResult, revokedFamily: Int?) {
        func refuse(_ description: String, _ rule: String) -> (TokenResult, revokedFamily: Int?) {
            (.refused(OAuthError(description: description, rule: rule)), nil)
        }
        // Client authentication comes first (RFC 6749 §4.1.3): the code was issued to a confidential client.
        if let failure = AuthServer.clientAuthenticationFailure(clientID: codes[code]?.clientID ?? clientID, authenticated: authenticated) {
            return (.refused(failure), nil)
        }
        guard let record = codes[code] else { return refuse("unknown authorization code", "RFC 6749 §5.2") }
        guard record.clientID == clientID else { return refuse("the code was issued to another client", "RFC 6749 §4.1.3") }
        // Checked before PKCE, so any second presentation counts: the SHOULD
        // of §4.1.2 then costs the victim her session even when the replayer
        // has no verifier.
        if let redeemed = record.redeemed {
            let alreadyRevoked = familyIsRevoked(redeemed.family)
            endGrant(redeemed.family, at: now, reason: "code reuse", policy: policy)
            return (.refused(OAuthError(description: "code already used at \(redeemed.at.clockText); the grant issued from it (fam\(redeemed.family + 1)) is revoked",
                                        rule: "RFC 6749 §4.1.2")), alreadyRevoked ? nil : redeemed.family)
        }
        if now >= record.expiresAt { return refuse("code expired \((now - record.expiresAt).text) ago", "RFC 6749 §4.1.2") }
        guard record.redirectURI == redirectURI else {
            return refuse("redirect_uri \(redirectURI) is not the one the code was issued for", "RFC 6749 §4.1.3")
        }
        switch (record.codeChallenge, verifier) {
        case (let challenge?, let verifier?):
            guard AuthServer.challenge(for: verifier) == challenge else {
                return refuse("code_verifier does not match the code_challenge (PKCE)", "RFC 7636 §4.6")
            }
        case (.some, nil):
            return refuse("no code_verifier for a code issued with a code_challenge (PKCE)", "RFC 7636 §4.6")
        case (nil, .some):
            return refuse("a code_verifier for a code issued without a code_challenge (PKCE downgrade)", "RFC 9700 §2.1.1")
        case (nil, nil):
            break
        }
        let boundKey: String?
        switch checkProof(proof, now: now, policy: policy, boundTo: nil) {
        case .refused(let error): return (.refused(error), nil)
        case .bound(let key): boundKey = key
        }
        let issued = startFamily(user: record.user, clientID: clientID, boundKey: boundKey, now: now, policy: policy)
        codes[code]?.redeemed = (now, issued.family)
        return (.issued(issued), nil)
    }

    /// S256 (RFC 7636 §4.2): BASE64URL(SHA256(ASCII(code_verifier))).
    static func challenge(for verifier: String) -> String { Base64URL.encode(sha256(verifier)) }

    /// What the narrator needs to know of a code: whether and when it was redeemed, and its expiry.
    func codeFacts(of code: String) -> (redeemedAt: VirtualTime?, family: Int?, expiresAt: VirtualTime)? {
        codes[code].map { ($0.redeemed?.at, $0.redeemed?.family, $0.expiresAt) }
    }
}
