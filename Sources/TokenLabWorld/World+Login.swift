import TokenLabCore
import TokenLabTokens

/// The token request of the code flow (RFC 6749 §4.1.3, RFC 7636 §4.5).
/// A class, so that an exchange holding it stays small to copy.
final class CodeRequest {
    let code: String
    let redirectURI: String
    let verifier: String?

    init(code: String, redirectURI: String, verifier: String?) {
        self.code = code
        self.redirectURI = redirectURI
        self.verifier = verifier
    }
}

/// A browser's side of the code flow: where its PKCE verifiers and states
/// come from, and the authorization request it is waiting on.
struct BrowserLogin {
    var verifiers: RandomStream?
    var states: RandomStream?
    var pending: (state: String, verifier: String?)?
}

/// The login: the authorization code flow with PKCE (RFC 6749 §4.1, RFC 7636,
/// RFC 9700 §2.1.1), or the deprecated password grant when the policy says so.
extension World {
    static let redirectURI = "https://app.tokenlab.test/callback"

    /// Starts a login the policy's way. The code flow's first leg is the
    /// browser's GET /authorize; the user is already signed in at the auth
    /// server (the model has no login form) and consents at once.
    func startLogin(client index: Int, purpose: Exchange.Purpose = .login) {
        guard policy.loginFlow == .code else {
            send(.password, from: index, purpose: .login)
            return
        }
        let client = clients[index]
        // Under a backend, the backend starts the flow: it makes and keeps the
        // state and the PKCE verifier (BCP §6.1.3.1), and the browser is sent
        // to authorize the backend's client, redirected back to the backend.
        let viaBackend = policy.hasBackend && !client.isAttacker
        let keeper = viaBackend ? clients[backend(for: index)] : client
        let streams = keeper.isBackend ? "backend.\(keeper.user)" : keeper.name
        var login = keeper.login
        var verifier: String?
        if policy.pkce == .S256 {
            // RFC 7636 §4.1: 32 random octets, base64url: 43 characters.
            var stream = login.verifiers ?? RandomStream(seed: seed, name: "pkce.verifier.\(streams)")
            verifier = Base64URL.encode(stream.bytes(32))
            login.verifiers = stream
        }
        var states = login.states ?? RandomStream(seed: seed, name: "login.state.\(streams)")
        let state = Base64URL.encode(states.bytes(12))
        login.states = states
        login.pending = (state, verifier)
        keeper.login = login
        let request = AuthorizationRequest(clientID: viaBackend ? AuthServer.backendClientID : client.clientID,
                                           redirectURI: viaBackend ? World.backendRedirectURI : World.redirectURI, state: state,
                                           codeChallenge: verifier.map(AuthServer.challenge(for:)))
        send(.authorize(request), from: index, purpose: purpose)
    }

    /// The auth server answers GET /authorize: a 302 to the redirect URI with a code, or an error.
    func authorizationArrives(_ request: AuthorizationRequest, from index: Int) -> Exchange.Response {
        let client = clients[index]
        let action = "GET /authorize (\(client.user)) " + (request.codeChallenge == nil ? "no PKCE" : "S256 challenge")
            + (request.clientID == AuthServer.backendClientID ? " for the backend" : "")
        switch auth.authorize(request, user: client.user, now: now, policy: policy) {
        case .code(let code, let expiresAt):
            guard isRecording else { return .redirect(code: code, state: request.state) }
            let id = ledger.add(.code, value: code, owner: client.user, family: -1, issuedAt: now, expiresAt: expiresAt)
            let callback = request.redirectURI == World.backendRedirectURI ? "/bff/callback" : "/callback"
            record(.request, from: client.name, to: "auth", action, "302 to \(callback)?code=\(id)", status: 302, tokens: [id],
                   minted: [MintedToken(id: id, fingerprint: "sha256:" + String(TokenHash(of: code).description.prefix(16)))])
            if !policy.tls {
                network.note(.init(time: now, client: clients[index].browser, token: code, kind: .code, place: .plainLink,
                                   carriedIn: "the redirect (Location: /callback?code=)"))
            }
            return .redirect(code: code, state: request.state)
        case .refused(let error):
            if isRecording {
                record(.request, from: client.name, to: "auth", action, "\(error.status) \(error.code): \(error.description)",
                       status: error.status, rule: error.rule)
            }
            return .oauthError(error)
        }
    }

    /// The auth server answers the token request with a code.
    func codeGrantArrives(_ request: CodeRequest, from index: Int, proof: String?) -> Exchange.Response {
        let client = clients[index]
        let (result, revokedFamily) = auth.codeGrant(code: request.code, clientID: client.clientID, redirectURI: request.redirectURI,
                                                     verifier: request.verifier, proof: proof, authenticated: client.isBackend,
                                                     now: now, policy: policy)
        counters.logins += 1
        counters.tokenRequests += 1
        let code = shortID(request.code)
        let action = "POST /token authorization_code \(code)" + (request.verifier == nil ? ", no verifier" : " + verifier")
            + (client.isBackend ? " + client credentials" : "")
        let response = respond(result, to: client, action: action, presented: nil)
        guard isRecording else { return response }
        if let family = revokedFamily {
            // "SHOULD revoke (when possible) all tokens previously issued": access tokens only with a denylist.
            record(.security, from: "auth", "\(code) presented twice", "family fam\(family + 1) issued from it revoked" + (accessFateAfterGrantEnds(family).map { "; " + $0 } ?? ""),
                   rule: "RFC 6749 §4.1.2", tokens: [code, "fam\(family + 1)"] + liveAccessTokens(of: family))
        }
        // Follow the attacker's stolen code and what it got her.
        if client.isAttacker, let material = attackLog.index(of: request.code) {
            switch result {
            case .issued(let issued):
                attackLog.use(material, what: "POST /token authorization_code", at: now, succeeded: true)
                let victim = attackLog.materials[material].victim
                attackerTakes(token: issued.access, kind: .access, how: "obtained with \(code)", victim: victim)
                if let refresh = issued.refresh { attackerTakes(token: refresh, kind: .refresh, how: "obtained with \(code)", victim: victim) }
                attackLog.acquire(id: shortID(issued.access), kind: "access", token: issued.access, origin: "obtained with \(code)",
                                  victim: victim, at: now, derivedFrom: material)
                if let refresh = issued.refresh {
                    attackLog.acquire(id: shortID(refresh), kind: "refresh", token: refresh, origin: "obtained with \(code)",
                                      victim: victim, at: now, derivedFrom: material)
                }
            case .refused(let error):
                attackLog.use(material, what: "POST /token authorization_code", at: now, succeeded: false,
                              refusal: ("\(error.status) \(error.code): \(error.description)", error.rule))
            }
        }
        return response
    }

    /// A response of the code flow reaches the browser (or the attacker's device).
    func loginStepArrives(_ exchange: Exchange) {
        let client = clients[exchange.client]
        switch (exchange.purpose, exchange.response) {
        case (.interceptedLogin(let thief), .redirect(let code, _)):
            client.login.pending = nil
            intercepted(code, victim: client, thief: thief)
        case (.interceptedLogin, _):
            if isRecording { record(.client, from: client.name, "login failed") }
        case (.redeem, .tokens(let issued)):
            client.access = issued.access
            client.accessExpiresAt = now + .seconds(issued.expiresIn)
            if let refresh = issued.refresh { client.refresh = refresh }
            client.family = issued.family
        case (.redeem, _):
            break
        case (_, .redirect(let code, let state)) where policy.hasBackend && !client.isAttacker:
            // The browser follows the redirect to the backend's callback, code and state in the URL.
            if isRecording {
                network.note(.init(time: now, client: client.browser, token: code, kind: .code, place: .urlInLog,
                                   carriedIn: "the callback URL (/bff/callback?code=)"))
            }
            send(.backendLogin(code: code, state: state), from: exchange.client, purpose: .login)
        case (_, .redirect(let code, let state)):
            guard let pending = client.login.pending, pending.state == state else {
                // RFC 6749 §10.12: a redirect the browser did not ask for is not followed up.
                if isRecording { record(.client, from: client.name, "ignores a redirect whose state it did not send", rule: "RFC 6749 §10.12") }
                return
            }
            client.login.pending = nil
            // The browser loads the callback URL: the code now sits in that server's access log.
            if isRecording {
                network.note(.init(time: now, client: client.browser, token: code, kind: .code, place: .urlInLog,
                                   carriedIn: "the callback URL (/callback?code=)"))
            }
            send(.codeGrant(CodeRequest(code: code, redirectURI: World.redirectURI, verifier: pending.verifier)),
                 from: exchange.client, purpose: .login)
        default:
            break
        }
    }
}
