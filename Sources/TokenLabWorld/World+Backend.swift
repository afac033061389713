import TokenLabCore
import TokenLabTokens

/// The app's backend (browser-based-apps BCP §6.1, §6.2): a confidential
/// OAuth client on the server, its own party (`backend` in traces and
/// diagrams). It runs the code exchange with its client credentials, keeps
/// the tokens of each browser's session server-side, and gives the browser
/// an HttpOnly session cookie. Under `bff` it also calls the API for the
/// page; under `token-mediating` it hands the page the access token.
///
/// The backend is a `Client` with `serves` set: its requests to the auth
/// server and the API go through the same exchanges, refreshes and retries
/// as a browser's, so what attacks reach follows from where tokens are.
extension World {
    static let backendRedirectURI = "https://app.tokenlab.test/bff/callback"
    static let backendName = "backend"

    /// The backend session of the browser `tab` belongs to (made on first use).
    func backend(for tab: Int) -> Int {
        let browser = clients[tab].browser
        if let index = clients.firstIndex(where: { $0.serves == browser }) { return index }
        clients.append(Client(name: World.backendName, user: clients[browser].user, password: "", browser: clients.count, tab: 0,
                              serves: browser))
        return clients.count - 1
    }

    /// The backend holding `tab`'s session, if the browser's cookie names a live one.
    func liveBackend(for tab: Int) -> Int? {
        let browser = clients[tab]
        guard policy.hasBackend, let session = browser.session,
              let index = clients.firstIndex(where: { $0.serves == browser.browser }),
              clients[index].profile.session == session else { return nil }
        return index
    }

    /// A browser whose app can get a fresh access token: with its own refresh
    /// token, or from a token-mediating backend through its session cookie.
    func canRefresh(_ index: Int) -> Bool {
        let client = clients[index]
        if client.refresh != nil { return true }
        return policy.architecture == .tokenMediating && !client.isAttacker && !client.isBackend && client.session != nil
    }

    /// The cookie attributes of the backend's session cookie (BCP §6.1.3.2).
    var sessionCookieAttributes: String {
        ([policy.cookieHttpOnly ? "HttpOnly" : nil, policy.cookieSecure ? "Secure" : nil].compactMap { $0 }
         + ["SameSite=\(policy.cookieSameSite.rawValue.capitalized)", "Path=\(policy.cookiePath)"]).joined(separator: " ")
    }

    // MARK: The backend receives a browser's request

    func backendReceives(_ index: Int) {
        guard let exchange = exchanges[index] else { return }
        let tab = exchange.client
        let b = backend(for: tab)
        let backend = clients[b]
        switch exchange.request {
        case .backendLogin(let code, let state):
            // Its own state and verifier: a callback it did not start is not redeemed (RFC 6749 §10.12).
            guard let pending = backend.login.pending, pending.state == state else {
                return answerAtOnce(index, .oauthError(OAuthError(code: "invalid_request", description: "a callback whose state the backend did not send",
                                                                    rule: "RFC 6749 §10.12")))
            }
            backend.login.pending = nil
            backend.waiting.append(index)
            // The backend redeems the code with its client credentials and its verifier (BCP §6.1.3.1).
            send(.codeGrant(CodeRequest(code: code, redirectURI: World.backendRedirectURI, verifier: pending.verifier)), from: b, purpose: .login)
        case .backendCall(let resource):
            guard liveBackend(for: tab) != nil else {
                return answerAtOnce(index, .api(APIResponse(status: 401, description: "no session at the backend", rule: "browser-based-apps BCP §6.1.2")))
            }
            backend.waiting.append(index)
            startCall(client: b, resource: resource, isRetry: false, byAttacker: exchange.byAttacker)
        case .backendToken:
            guard liveBackend(for: tab) != nil, backend.refresh != nil else {
                return answerAtOnce(index, .oauthError(OAuthError(status: 401, code: "no_session", description: "no session at the backend",
                                                                    rule: "browser-based-apps BCP §6.2.2.2")))
            }
            backend.waiting.append(index)
            startRefresh(client: b, resume: nil, isRetry: false)
        case .backendLogout:
            // The session ends at once: the backend forgets its tokens and revokes them (RFC 7009).
            let (refresh, access, session) = (backend.refresh, backend.access, backend.profile.session)
            backend.dropTokens(at: now)
            // The session's id names the answer; it ends with it.
            backend.profile.session = session
            if refresh == nil && access == nil {
                answerAtOnce(index, .backendDone("no session at the backend"))
                backend.profile.session = nil
                return
            }
            backend.waiting.append(index)
            send(.logout(refresh: refresh, access: access), from: b, purpose: .logout)
        default:
            break
        }
    }

    private func answerAtOnce(_ parent: Int, _ response: Exchange.Response) {
        answer(parent, with: response)
    }

    /// The backend's own exchange came back: store what it got, and answer
    /// the browser's request it served once nothing more is to be done.
    func backendGets(_ exchange: Exchange) {
        let b = exchange.client
        let backend = clients[b]
        switch (exchange.purpose, exchange.response) {
        case (.login, .tokens(let issued)):
            keepServerSide(issued, in: backend)
            backendSessions += 1
            backend.profile.session = "s\(backendSessions)"
            answerNext(of: b, .session(backend.profile.session ?? "", access: handedToThePage(issued)))
        case (.login, .oauthError(let error)):
            answerNext(of: b, .oauthError(error))
        case (.call(let resource, let isRetry), .api(let answer)):
            counters.callsCompleted += 1
            if answer.status == 200 { counters.callsSucceeded += 1 }
            if answer.status == 401, answer.error != nil, !isRetry, backend.refresh != nil {
                if isRecording { record(.client, from: backend.name, "got 401: refreshes once, then retries") }
                startRefresh(client: b, resume: resource, isRetry: true, byAttacker: exchange.byAttacker)
            } else {
                answerNext(of: b, .api(answer))
            }
        case (.refresh(let resume, let isRetry), .tokens(let issued)):
            keepServerSide(issued, in: backend)
            if let resume {
                startCall(client: b, resource: resume, isRetry: isRetry, byAttacker: exchange.byAttacker)
            } else if let access = handedToThePage(issued) {
                answerNext(of: b, .tokens(access))
            } else {
                answerNext(of: b, .backendDone("the backend refreshed its tokens; none reach the page"))
            }
        case (.refresh(let resume, _), .oauthError(let error)):
            // A dead grant ends the session (BCP §6.2.2.2).
            backend.dropTokens(at: now)
            if isRecording {
                record(.client, from: backend.name, "refresh refused: ends \(backend.user)'s session; \(backend.user) must log in again")
                attackLog.noteCost("\(backend.user) was logged out at \(now.clockText): \(error.description)", user: backend.user)
            }
            answerNext(of: b, resume != nil ? .api(APIResponse(status: 401, description: "session ended at the backend", rule: error.rule))
                                            : .oauthError(error))
        case (.logout, _):
            answerNext(of: b, .backendDone("session ended"))
            backend.profile.session = nil
            backend.profile.sessionEndedAt = now
        default:
            break
        }
    }

    /// The backend keeps tokens in its own memory, server-side.
    private func keepServerSide(_ issued: IssuedTokens, in backend: Client) {
        backend.keepAccess(issued.access, expiresAt: now + .seconds(issued.expiresIn), in: .memory)
        if let refresh = issued.refresh { backend.keepRefresh(refresh, in: .memory) }
        backend.family = issued.family
    }

    /// What of a token response the page gets: the access token under
    /// token-mediating (never the refresh token), nothing under bff.
    private func handedToThePage(_ issued: IssuedTokens) -> IssuedTokens? {
        guard policy.architecture == .tokenMediating else { return nil }
        var access = issued
        access.refresh = nil
        access.refreshExpiresAt = nil
        return access
    }

    private func answerNext(of backend: Int, _ response: Exchange.Response) {
        guard !clients[backend].waiting.isEmpty else { return }
        answer(clients[backend].waiting.removeFirst(), with: response)
    }

    /// The backend answers the browser's request `parent`: recorded as the
    /// browser's request with its answer, then sent back across the link.
    private func answer(_ parent: Int, with response: Exchange.Response) {
        guard let exchange = exchanges[parent] else { return }
        exchanges[parent]?.response = response
        if isRecording { recordBackendAnswer(exchange, response) }
        schedule(.clientReceives(exchange: parent), after: policy.latency)
    }

    private func recordBackendAnswer(_ exchange: Exchange, _ response: Exchange.Response) {
        let browser = clients[exchange.client]
        let b = backend(for: exchange.client)
        let cookie = clients[b].profile.session ?? browser.session
        let carried = cookie.map { "  Cookie \($0)" } ?? "  no session cookie"
        var via = ""
        if browser.crossSitePending { via = "  (cross-site, from mallory's page)" } else if exchange.byAttacker { via = "  (sent by mallory's script)" }
        let action: String
        switch exchange.request {
        case .backendLogin(let code, _): action = "GET /bff/callback?code=\(shortID(code))"
        case .backendCall(let resource): action = "\(Resource.catalog[resource].method) \(Resource.catalog[resource].path)" + carried + via
        case .backendToken: action = "POST /bff/token" + carried + via
        case .backendLogout: action = "POST /bff/logout" + carried
        default: return
        }
        let (outcome, status, tokens): (String, Int, [String]) = switch response {
        case .session(let session, let access):
            ("302 to the app; Set-Cookie \(session) (\(sessionCookieAttributes))" + (access.map { ", \(shortID($0.access)) in the JSON body" } ?? ""),
             302, access.map { [shortID($0.access)] } ?? [])
        case .api(let answer): (answer.summary, answer.status, [])
        case .tokens(let issued): ("200 \(shortID(issued.access)) in the JSON body (the refresh token stays at the backend)", 200, [shortID(issued.access)])
        case .backendDone(let text): ("200 " + text + (exchange.request.isBackendLogout ? "; Set-Cookie clears the session cookie" : ""), 200, [])
        case .oauthError(let error): ("\(error.status) \(error.code): \(error.description)", error.status, [])
        default: ("", 0, [])
        }
        record(.request, from: browser.name, to: World.backendName, action, outcome, status: status,
               tokens: tokens)
    }

    // MARK: What attacks meet

    /// Why the page holds no `kind` token under a backend: the outcome of a
    /// theft from the page, or nil when the architecture is not the reason.
    func heldByTheBackend(_ kind: TokenLedger.Kind, victim index: Int) -> (why: String, rule: String)? {
        guard policy.hasBackend, !clients[index].isAttacker, clients[index].session != nil else { return nil }
        switch (policy.architecture, kind) {
        case (.bff, _):
            return ("the backend keeps the tokens server-side; the page holds only an HttpOnly session cookie", "browser-based-apps BCP §6.1.4.2")
        case (.tokenMediating, .refresh):
            return ("the backend keeps the refresh token server-side; the page holds only the access token", "browser-based-apps BCP §6.2.4.2")
        default:
            return nil
        }
    }

    /// `steal ... via backend`: a leak of the backend's session store (a
    /// breach, a debug dump). What it yields is real; a refresh token of a
    /// confidential client is still refused without the client's credentials.
    func backendLeak(_ kind: TokenLedger.Kind, victim index: Int) -> (token: String?, Reach) {
        guard policy.hasBackend, let b = clients.firstIndex(where: { $0.serves == clients[index].browser }),
              let token = kind == .access ? clients[b].access : clients[b].refresh else {
            return (nil, .blocked("no backend holds \(clients[index].user)'s \(kind.rawValue) token (client.architecture \(policy.architecture.rawValue))",
                                  rule: "browser-based-apps BCP §6"))
        }
        return (token, .reached("read from the backend's session store", rule: "browser-based-apps BCP §6.1.4.1"))
    }

    /// A silent login run by injected script when a backend is the client
    /// (BCP §5.1.3, §6.1.4.2): the hidden frame does get a code for the
    /// backend's client, but the token endpoint wants that client's
    /// credentials, which the script does not have.
    func silentLoginAgainstBackend(victim index: Int, thief: Int, action: String) {
        let victim = clients[index]
        let request = AuthorizationRequest(clientID: AuthServer.backendClientID, redirectURI: World.backendRedirectURI,
                                           state: "silent", codeChallenge: nil)
        guard case .code(let code, let expiresAt) = auth.authorize(request, user: victim.user, now: now, policy: policy) else { return }
        let id = ledger.add(.code, value: code, owner: victim.user, family: -1, issuedAt: now, expiresAt: expiresAt)
        attackerTakes(token: code, kind: .code, how: "caught by a silent login in \(victim.user)'s page", victim: victim.user)
        let (result, _) = auth.codeGrant(code: code, clientID: AuthServer.backendClientID, redirectURI: World.backendRedirectURI,
                                         verifier: nil, proof: nil, authenticated: false, now: now, policy: policy)
        guard case .refused(let error) = result else { return }
        record(.request, from: World.attacker, to: "auth", "POST /token authorization_code \(id), no client credentials",
               "\(error.status) \(error.code): \(error.description)", status: error.status, rule: error.rule, tokens: [id])
        attackBlocked(action, why: "the script got code \(id) but the code exchange needs the backend's client credentials (401 invalid_client)",
                      rule: backendMitigationRule + ", RFC 6749 §3.2.1")
    }

    /// Where the BCP lists the attacks a backend client mitigates: §6.1.4.2
    /// for a BFF, §6.2.4.2 for a token-mediating backend ("Mitigated Attack
    /// Scenarios" in each pattern's threat analysis).
    var backendMitigationRule: String {
        policy.architecture == .tokenMediating ? "browser-based-apps BCP §6.2.4.2" : "browser-based-apps BCP §6.1.4.2"
    }
}

extension Exchange.Request {
    var isBackendLogout: Bool { if case .backendLogout = self { true } else { false } }

    /// A request the browser sends to the app's backend rather than to a server of OAuth.
    var goesToBackend: Bool {
        switch self {
        case .backendLogin, .backendCall, .backendToken, .backendLogout: true
        default: false
        }
    }
}
