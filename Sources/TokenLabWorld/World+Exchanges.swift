import TokenLabCore
import TokenLabTokens

/// What the event queue holds: small values naming an exchange or a client,
/// so that running an event allocates nothing.
enum Event {
    case serverReceives(exchange: Int)
    case authReceivesIntrospection(exchange: Int)
    case apiReceivesIntrospection(exchange: Int)
    case clientReceives(exchange: Int)
    case clientAction(client: Int, action: ScheduledAction)
}

enum ScheduledAction {
    case login
    case repeatCall(resource: Int, every: Duration)
}

/// One request from a client and its response, crossing the network.
struct Exchange {
    enum Purpose {
        case login
        case call(resource: Int, isRetry: Bool)
        case refresh(resume: Int?, isRetry: Bool)
        case logout
        case revoke
        /// The attacker's device redeems a stolen code (World+Login).
        case redeem
        /// A victim's login whose redirect a malicious app catches for `thief`.
        case interceptedLogin(thief: Int)

        /// A refresh request forged by another site (CSRF on the token endpoint).
        case crossSiteRefresh

        /// A refresh that resumes no call: the one `ride USER refresh` sends.
        var isBareRefresh: Bool {
            if case .refresh(nil, false) = self { return true }
            return false
        }
    }

    enum Request {
        case password
        case authorize(AuthorizationRequest)
        case codeGrant(CodeRequest)
        case refresh(String)
        case logout(refresh: String?, access: String?)
        case revoke(String)
        case api(resource: Int, token: String?)
        /// To the app's backend (World+Backend): the login callback with the code,
        case backendLogin(code: String, state: String)
        /// an API call the BFF makes for the page,
        case backendCall(resource: Int)
        /// a fresh access token (token-mediating) or a refresh of the session (bff),
        case backendToken
        /// the end of the session.
        case backendLogout
    }

    enum Response {
        case pending
        case tokens(IssuedTokens)
        case redirect(code: String, state: String)
        case oauthError(OAuthError)
        case revoked
        case api(APIResponse)
        /// The backend's login answer: its session cookie, and the access token under token-mediating.
        case session(String, access: IssuedTokens?)
        /// The backend did what was asked; the page learns only this.
        case backendDone(String)
    }

    let client: Int
    let purpose: Purpose
    let request: Request
    /// Sent from the victim's browser by the attacker's script (XSS riding the session).
    var byAttacker = false
    /// The network drops the response: the server acted, the client never hears.
    var responseLost = false
    /// The DPoP proof sent with the request (RFC 9449 §4), when the policy asks.
    var proof: String?
    var response: Response = .pending
}

extension World {
    // MARK: Sending

    func send(_ request: Exchange.Request, from client: Int, purpose: Exchange.Purpose, byAttacker: Bool = false,
              responseLost: Bool = false) {
        var exchange = Exchange(client: client, purpose: purpose, request: request)
        exchange.byAttacker = byAttacker
        exchange.responseLost = responseLost
        if policy.dpop { exchange.proof = proof(for: request, from: client) }
        let index: Int
        if let free = freeExchanges.popLast() { exchanges[free] = exchange; index = free }
        else { exchanges.append(exchange); index = exchanges.count - 1 }
        exchangesInFlight += 1
        clients[client].busy = true
        if isRecording { noteCrossings(of: request, from: client) }
        schedule(.serverReceives(exchange: index), after: policy.latency)
    }

    func finish(_ index: Int) {
        exchanges[index] = nil
        freeExchanges.append(index)
        exchangesInFlight -= 1
    }

    func dispatch(_ event: Event) {
        switch event {
        case .serverReceives(let index): serverReceives(index)
        case .authReceivesIntrospection(let index): authReceivesIntrospection(index)
        case .apiReceivesIntrospection(let index): apiReceivesIntrospection(index)
        case .clientReceives(let index): clientReceives(index)
        case .clientAction(let client, let action): perform(action, client: client)
        }
    }

    // MARK: Servers

    func serverReceives(_ index: Int) {
        guard let exchange = exchanges[index] else { return }
        let client = clients[exchange.client]
        if exchange.request.goesToBackend { return backendReceives(index) }
        var response = Exchange.Response.pending
        switch exchange.request {
        case .password:
            let result = auth.passwordGrant(user: client.user, password: client.password, clientID: client.clientID,
                                            proof: exchange.proof, now: now, policy: policy)
            counters.logins += 1
            counters.tokenRequests += 1
            response = respond(result, to: client, action: "POST /token password grant (\(client.user))", presented: nil)
        case .authorize(let request):
            response = authorizationArrives(request, from: exchange.client)
        case .codeGrant(let request):
            response = codeGrantArrives(request, from: exchange.client, proof: exchange.proof)
        case .refresh(let token):
            let (result, revokedFamily) = auth.refreshGrant(token: token, proof: exchange.proof, authenticated: client.isBackend,
                                                            now: now, policy: policy)
            counters.refreshes += 1
            counters.tokenRequests += 1
            response = respond(result, to: client, action: refreshAction(token, exchange: exchange, client: client), presented: token)
            if isRecording, let family = revokedFamily {
                // RFC 9700 §4.14.2 revokes the refresh tokens; what becomes of access tokens depends on the API.
                record(.security, from: "auth", "reuse of \(shortID(token)) detected",
                       "family fam\(family + 1) revoked: its refresh tokens are refused" + (accessFateAfterGrantEnds(family).map { "; " + $0 } ?? ""),
                       rule: "RFC 9700 §4.14.2", tokens: [shortID(token), "fam\(family + 1)"] + liveAccessTokens(of: family))
            }
        case .logout(let refresh, let access):
            var notes: [String] = []
            if let refresh {
                if policy.revokeOnLogout {
                    let family = auth.revoke(token: refresh, now: now, policy: policy, reason: "logout").family
                    notes.append(family.map { "family fam\($0 + 1) revoked" } ?? "nothing to revoke")
                    // With a denylist the grant's other access tokens go with it (RFC 7009 §2.1); the one presented is told below.
                    if isRecording, let family, policy.denylist {
                        if let others = accessFateAfterGrantEnds(family, except: access.map(shortID)) { notes.append(others + " with its grant") }
                    }
                } else {
                    notes.append("\(shortID(refresh)) stays valid (logout.revoke off)")
                }
            }
            if let access {
                if policy.denylist, let jti = auth.revoke(token: access, now: now, policy: policy, reason: "logout").denylisted {
                    notes.append("\(shortID(access)) denylisted (jti \(jti))")
                } else if policy.validation == .introspection {
                    // Introspection asks about the family, so a revoked one ends its access tokens too.
                    let family = ledger.entry(value: access)?.family ?? -1
                    notes.append(accessTokenFate([shortID(access)], denylisted: false, familyRevoked: family >= 0 && auth.familyIsRevoked(family)))
                } else {
                    notes.append("\(shortID(access)) stays valid until it expires")
                }
            }
            response = .revoked
            if isRecording {
                let cookie = refresh != nil && refreshRidesInCookie(client)
                if cookie { notes.append("Set-Cookie clears the refresh cookie") }
                let sent = cookie ? "(Cookie \(shortID(refresh)))" + (access.map { " " + shortID($0) } ?? "")
                                  : [refresh, access].compactMap { $0 }.map(shortID).joined(separator: " ")
                // A Path=/token cookie goes to nothing outside /token (RFC 6265 §5.1.4), so an app
                // that keeps its refresh token in one revokes it at an endpoint under that path.
                let path = self.cookie(.refresh, of: client).path
                let endpoint = cookie ? (path.hasSuffix("/") ? path : path + "/") + "revoke" : "/revoke"
                record(.request, from: client.name, to: "auth", "POST \(endpoint) (logout) \(sent)",
                       "200 " + notes.joined(separator: "; "), status: 200, rule: "RFC 7009 §2.1",
                       tokens: [refresh, access].compactMap { $0 }.map(shortID))
            }
        case .revoke(let token):
            let result = auth.revoke(token: token, now: now, policy: policy, reason: "revoked")
            response = .revoked
            if isRecording {
                let note = result.family.map { "family fam\($0 + 1) revoked" + (accessFateAfterGrantEnds($0).map { "; " + $0 } ?? "") }
                    ?? result.denylisted.map { "jti \($0) denylisted" }
                    ?? "nothing revoked (unknown, already revoked, or access token without denylist)"
                record(.request, from: client.name, to: "auth", "POST /revoke \(shortID(token))", "200 " + note,
                       status: 200, rule: "RFC 7009 §2.2", tokens: [shortID(token)])
            }
        case .backendLogin, .backendCall, .backendToken, .backendLogout:
            return
        case .api(let resourceIndex, let token):
            if policy.validation == .introspection, let token {
                if let cached = api.cachedIntrospection(token, now: now) {
                    response = .api(answerFromIntrospection(cached, resource: resourceIndex, token: token, proof: exchange.proof))
                    recordAPI(client: client, resource: resourceIndex, token: token, response: response, byAttacker: exchange.byAttacker)
                } else {
                    schedule(.authReceivesIntrospection(exchange: index), after: policy.latency)
                    return
                }
            } else {
                let apiResponse: APIResponse
                switch api.validateLocally(token, now: now, auth: auth) {
                case .refused(let refusal): apiResponse = refusal
                case .accepted(let claims):
                    apiResponse = bindingRefusal(claims, token: token, proof: exchange.proof, resource: resourceIndex)
                        ?? api.authorize(claims, for: Resource.catalog[resourceIndex])
                }
                response = .api(apiResponse)
                recordAPI(client: client, resource: resourceIndex, token: token, response: response, byAttacker: exchange.byAttacker)
            }
        }
        exchanges[index]?.response = response
        if isRecording, case .tokens(let issued) = response { noteCrossings(of: issued, to: exchange.client) }
        if exchange.responseLost {
            finish(index)
            client.busy = false
            if isRecording { record(.client, from: client.name, "the response never arrives (lost on the way): it keeps what it had") }
            return
        }
        schedule(.clientReceives(exchange: index), after: policy.latency)
    }

    /// What the narrator calls a refresh request: built only when recording
    /// (`respond` takes it as an autoclosure), as the bench never reads it.
    private func refreshAction(_ token: String, exchange: Exchange, client: Client) -> String {
        var carried = refreshRidesInCookie(client) ? "refresh (Cookie \(shortID(token)))" : "refresh_token \(shortID(token))"
        if client.isBackend { carried += " + client credentials" }
        if case .crossSiteRefresh = exchange.purpose { carried += "  (cross-site, from mallory's page)" }
        else if exchange.byAttacker { carried += "  (sent by mallory's script)" }
        return "POST /token \(carried)"
    }

    /// `action` is evaluated only when the world is recording.
    func respond(_ result: TokenResult, to client: Client, action: @autoclosure () -> String, presented: String?) -> Exchange.Response {
        switch result {
        case .issued(let issued):
            if isRecording {
                let user = client.user
                let at = ledger.add(.access, value: issued.access, owner: user, family: issued.family,
                                    issuedAt: now, expiresAt: issued.accessExpiresAt)
                var tokens = [at]
                var minted = [MintedToken(id: at, fingerprint: "jti:" + issued.accessTokenID)]
                var outcome = "200 \(at)"
                if let refresh = issued.refresh, let expiry = issued.refreshExpiresAt {
                    let rt = ledger.add(.refresh, value: refresh, owner: user, family: issued.family, issuedAt: now, expiresAt: expiry)
                    tokens.append(rt)
                    minted.append(MintedToken(id: rt, fingerprint: "sha256:" + String(TokenHash(of: refresh).description.prefix(16))))
                    outcome += " \(rt)"
                    if let presented { outcome += " (\(shortID(presented)) rotated)" }
                } else if presented != nil {
                    outcome += " (refresh token kept, no rotation)"
                } 
                outcome += " fam\(issued.family + 1)"
                if let refresh = issued.refresh, !client.isAttacker, !client.isBackend, policy.refreshStorage == .cookie {
                    outcome += "; Set-Cookie \(shortID(refresh)) (\(policy.refreshCookieAttributes)), \(at) in the JSON body"
                }
                if issued.acceptedInGrace { outcome += "; accepted within refresh.grace \(policy.reuseGrace.text), a practice RFC 9700 does not define" }
                record(.request, from: client.name, to: "auth", action(), outcome, status: 200,
                       rule: issued.acceptedInGrace ? "RFC 9700 §4.14.2" : nil, tokens: tokens, minted: minted)
                if client.isAttacker, let presented {
                    let victim = attackLog.index(of: presented).map { attackLog.materials[$0].victim } ?? "?"
                    attackerTakes(token: issued.access, kind: .access, how: "obtained with \(shortID(presented))", victim: victim)
                    if let refresh = issued.refresh {
                        attackerTakes(token: refresh, kind: .refresh, how: "obtained with \(shortID(presented))", victim: victim)
                    }
                }
                if client.isAttacker, let presented, let material = attackLog.index(of: presented) {
                    attackLog.use(material, what: "POST /token refresh", at: now, succeeded: true)
                    attackLog.acquire(id: at, kind: "access", token: issued.access, origin: "obtained with \(shortID(presented))",
                                      victim: attackLog.materials[material].victim, at: now, derivedFrom: material)
                    if let refresh = issued.refresh {
                        attackLog.acquire(id: shortID(refresh), kind: "refresh", token: refresh, origin: "obtained with \(shortID(presented))",
                                          victim: attackLog.materials[material].victim, at: now, derivedFrom: material)
                    }
                }
            }
            return .tokens(issued)
        case .refused(let error):
            if isRecording {
                record(.request, from: client.name, to: "auth", action(), "\(error.status) \(error.code): \(error.description)",
                       status: error.status, rule: error.rule, tokens: presented.map { [shortID($0)] } ?? [])
                if client.isAttacker, let presented, let material = attackLog.index(of: presented) {
                    attackLog.use(material, what: "POST /token refresh", at: now, succeeded: false,
                                  refusal: ("\(error.status) \(error.code): \(error.description)", error.rule))
                }
            }
            return .oauthError(error)
        }
    }

    /// The browser's own refresh request carries the refresh token as a
    /// cookie, not in the body: the app never touches it.
    func refreshRidesInCookie(_ client: Client) -> Bool { !client.isAttacker && client.refreshStorage == .cookie }

    private func recordAPI(client: Client, resource: Int, token: String?, response: Exchange.Response, byAttacker: Bool) {
        guard isRecording, case .api(let answer) = response else { return }
        let r = Resource.catalog[resource]
        let carrier = policy.dpop ? "DPoP" : client.carrier(inQuery: policy.tokenInQuery)
        let credential = token.map { "\(carrier) \(shortID($0))" } ?? "no token"
        // A backend's call for a page: the page's own request (World+Backend) carries the marks.
        let crossSite = client.crossSitePending || (client.serves.map { clients[$0].crossSitePending } ?? false)
        let via = crossSite ? "  (cross-site, from mallory's page)" : "  (sent by mallory's script)"
        let action = "\(r.method) \(r.path)  \(credential)" + (byAttacker && !client.isBackend ? via : "")
        record(.request, from: client.name, to: "api", action, answer.summary,
               status: answer.status, rule: answer.status == 200 ? nil : answer.rule, tokens: token.map { [shortID($0)] } ?? [],
               challenge: challenge(for: answer, token: token))
        // Follow the attacker's material: every use counts, and a 401 says what stopped it.
        let material: Int?
        if byAttacker {
            let how = crossSite ? "CSRF: requests forged from another site" : "XSS riding \(client.user)'s browser"
            material = attackLog.acquire(id: "\(client.user)'s session" + (crossSite ? " (csrf)" : " (xss)"), kind: "session", token: nil,
                                         origin: "\(how) (nothing stolen)", victim: client.user, at: now)
        } else if client.isAttacker, let token {
            material = attackLog.index(of: token)
        } else {
            material = nil
        }
        if let material {
            attackLog.use(material, what: "\(r.method) \(r.path)", at: now, succeeded: answer.status == 200, role: answer.role,
                          refusal: answer.status == 401 ? (answer.summary, answer.rule ?? "") : nil)
        }
    }

    func authReceivesIntrospection(_ index: Int) {
        guard let exchange = exchanges[index], case .api(_, let token?) = exchange.request else { return }
        let answer = auth.introspect(token: token, now: now, policy: policy)
        counters.introspections += 1
        introspections[index] = answer
        if isRecording {
            record(.request, from: "api", to: "auth", "POST /introspect \(shortID(token))",
                   "200 active: \(answer.active) (\(answer.reason))", status: 200, rule: "RFC 7662 §2.2", tokens: [shortID(token)])
        }
        schedule(.apiReceivesIntrospection(exchange: index), after: policy.latency)
    }

    func apiReceivesIntrospection(_ index: Int) {
        guard let exchange = exchanges[index], case .api(let resource, let token?) = exchange.request,
              let answer = introspections.removeValue(forKey: index) else { return }
        api.remember(token, answer, now: now, policy: policy)
        let response = Exchange.Response.api(answerFromIntrospection(answer, resource: resource, token: token, proof: exchange.proof))
        exchanges[index]?.response = response
        recordAPI(client: clients[exchange.client], resource: resource, token: token, response: response, byAttacker: exchange.byAttacker)
        schedule(.clientReceives(exchange: index), after: policy.latency)
    }
}
