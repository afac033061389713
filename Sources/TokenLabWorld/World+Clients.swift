import TokenLabCore
import TokenLabTokens

/// The browsers' side of an exchange: storing tokens, refreshing once on a
/// 401 and retrying, refreshing ahead of expiry, dropping a dead session.
extension World {
    func clientReceives(_ index: Int) {
        // Moved out, not copied: the slot is freed at once anyway.
        guard let exchange = exchanges[index].take() else { return }
        finish(index)
        let client = clients[exchange.client]
        client.busy = false
        if client.isBackend { return backendGets(exchange) }
        switch (exchange.purpose, exchange.response) {
        case (.login, .redirect), (.interceptedLogin, _), (.redeem, _):
            loginStepArrives(exchange)
        case (.login, .session(let session, let access)):
            // The backend's session cookie lands in the jar; under token-mediating the page also gets the access token.
            if let why = cookieIgnored() {
                if isRecording {
                    record(.client, from: client.name, "ignores the Set-Cookie of \(session): \(why); \(client.user) is not logged in",
                           rule: "draft-ietf-httpbis-rfc6265bis §5.7")
                }
                break
            }
            client.session = session
            client.profile.sessionCookie = CookieAttributes(policy)
            if let access {
                client.keepAccess(access.access, expiresAt: now + .seconds(access.expiresIn), in: policy.accessStorage, cookie: CookieAttributes(policy))
                client.family = access.family
            }
        case (.refresh, .backendDone) where exchange.byAttacker && exchange.purpose.isBareRefresh:
            if isRecording {
                attackBlocked("ride \(client.user) refresh", why: "the backend refreshed its own tokens; its answer to the page holds none",
                              rule: backendMitigationRule)
            }
        case (.crossSiteRefresh, let response):
            crossSiteRefreshArrives(response, at: exchange.client)
        case (.refresh, .tokens(let issued)) where exchange.byAttacker && exchange.purpose.isBareRefresh:
            scriptReadsRefreshResponse(issued, in: exchange.client)
        case (.login, .tokens(let issued)), (.refresh, .tokens(let issued)):
            client.keepAccess(issued.access, expiresAt: now + .seconds(issued.expiresIn), in: policy.accessStorage, cookie: CookieAttributes(policy))
            if let refresh = issued.refresh, browserStoresRefresh(refresh, client: client) {
                client.keepRefresh(refresh, in: policy.refreshStorage, cookie: CookieAttributes(policy))
            }
            client.family = issued.family
            if case .refresh(let resume?, let isRetry) = exchange.purpose {
                startCall(client: exchange.client, resource: resume, isRetry: isRetry, byAttacker: exchange.byAttacker)
            }
        case (.refresh, .oauthError(let error)) where exchange.byAttacker && exchange.purpose.isBareRefresh:
            // The script's refresh was refused; the app learns nothing of it.
            if isRecording {
                attackLog.noteBlocked("ride \(client.user) refresh", why: error.description, rule: error.rule, at: now)
                record(.security, from: World.attacker, "ride \(client.user) refresh", "nothing: \(error.code): \(error.description)", rule: error.rule)
            }
        case (.login, .oauthError):
            if isRecording { record(.client, from: client.name, "login failed") }
        case (.refresh, .oauthError(let error)):
            // An attacker keeps what she holds until she chooses otherwise; the app drops a dead session.
            if client.isAttacker {
                if isRecording { record(.client, from: client.name, "refresh refused: she keeps what she holds (\(attackerHoldings))") }
                break
            }
            client.dropTokens(at: now)
            if isRecording {
                record(.client, from: client.name, "refresh refused: drops its tokens; \(client.user) must log in again")
                attackLog.noteCost("\(client.user) was logged out at \(now.clockText): \(error.description)", user: client.user)
            }
        case (.call(let resource, let isRetry), .api(let answer)):
            counters.callsCompleted += 1
            if answer.status == 200 { counters.callsSucceeded += 1 }
            if answer.status == 401, answer.error != nil, !isRetry, canRefresh(exchange.client) {
                if isRecording { record(.client, from: client.name, "got 401: refreshes once, then retries") }
                startRefresh(client: exchange.client, resume: resource, isRetry: true, byAttacker: exchange.byAttacker)
            }
        default:
            break
        }
    }

    /// `byAttacker`: the call (and the refresh and retry it may lead to) was
    /// started by the attacker's script in this browser.
    func startCall(client index: Int, resource: Int, isRetry: Bool, byAttacker: Bool = false) {
        let client = clients[index]
        // Under a BFF the page calls its backend, which calls the API (BCP §6.1).
        if policy.architecture == .bff, !client.isBackend, !client.isAttacker {
            send(.backendCall(resource: resource), from: index, purpose: .call(resource: resource, isRetry: isRetry), byAttacker: byAttacker)
            return
        }
        if !isRetry, let ahead = policy.refreshAhead, client.holdsRefresh, let expiry = client.accessExpiresAt, now + ahead >= expiry {
            if isRecording {
                let when = now >= expiry ? "expired \((now - expiry).text) ago" : "expires in \((expiry - now).text)"
                record(.client, from: client.name, "\(shortID(client.access)) \(when) by its own clock: refreshes first",
                       rule: "RFC 6749 §6", tokens: [shortID(client.access)])
            }
            startRefresh(client: index, resume: resource, isRetry: false, byAttacker: byAttacker)
            return
        }
        send(.api(resource: resource, token: client.access), from: index, purpose: .call(resource: resource, isRetry: isRetry),
             byAttacker: byAttacker)
    }

    /// The browser's storage model ignores some cookies entirely
    /// (draft-ietf-httpbis-rfc6265bis §5.7, steps 13 and 19): a Secure cookie
    /// set over a plain link, and a SameSite=None cookie without Secure. The
    /// app then has no refresh token at all, visibly.
    func browserStoresRefresh(_ refresh: String, client: Client) -> Bool {
        guard !client.isAttacker, policy.refreshStorage == .cookie, let why = cookieIgnored() else { return true }
        if isRecording {
            record(.client, from: client.name, "ignores the Set-Cookie of \(shortID(refresh)): \(why)",
                   rule: "draft-ietf-httpbis-rfc6265bis §5.7", tokens: [shortID(refresh)])
        }
        if client.refreshStorage == .cookie { client.keepRefresh(nil, in: .cookie) }
        return false
    }

    /// Why the browser's storage model ignores a cookie set with the policy's
    /// attributes (draft-ietf-httpbis-rfc6265bis §5.7, steps 13 and 19), or nil.
    func cookieIgnored() -> String? {
        if policy.cookieSecure, !policy.tls { return "a Secure cookie over a plain link is not stored" }
        if policy.cookieSameSite == .none, !policy.cookieSecure { return "a SameSite=None cookie without Secure is not stored" }
        return nil
    }

    /// `ride USER refresh`: the injected script sent the refresh request from
    /// the page, so the response reaches the script, not the app. A cookie
    /// it set lands in the browser's jar (the app's next refresh carries it);
    /// what the JSON body holds, the script reads (BCP §5.1.3).
    func scriptReadsRefreshResponse(_ issued: IssuedTokens, in index: Int) {
        let client = clients[index]
        var read: [String] = []
        var jar: [String] = []
        if policy.accessStorage == .cookie {
            client.keepAccess(issued.access, expiresAt: now + .seconds(issued.expiresIn), in: .cookie, cookie: CookieAttributes(policy))
            jar.append(shortID(issued.access))
        } else {
            read.append(issued.access)
        }
        if let refresh = issued.refresh {
            if policy.refreshStorage == .cookie {
                if browserStoresRefresh(refresh, client: client) { client.keepRefresh(refresh, in: .cookie, cookie: CookieAttributes(policy)) }
                jar.append(shortID(refresh))
            } else {
                read.append(refresh)
            }
        }
        guard isRecording else { return }
        let how = "read by mallory's script from the refresh response in \(client.user)'s page"
        var first: Int?
        for token in read {
            let kind: TokenLedger.Kind = token == issued.access ? .access : .refresh
            attackerTakes(token: token, kind: kind, how: how, victim: client.user)
            let material = attackLog.acquire(id: shortID(token), kind: kind.rawValue, token: token, origin: how, victim: client.user,
                                             at: now, sameTheftAs: first)
            first = first ?? material
        }
        let action = "ride \(client.user) refresh"
        var parts: [String] = []
        if !read.isEmpty { parts.append("got \(read.map(shortID).joined(separator: " ")) from the JSON body (the request came from the app's origin, which CORS lets read the answer)") }
        if !jar.isEmpty { parts.append("\(jar.joined(separator: " ")) stayed in \(client.user)'s cookie jar, out of script's reach") }
        if read.isEmpty {
            attackLog.noteBlocked(action, why: "the response put every token in HttpOnly cookies: the script read nothing", rule: "RFC 6265 §4.1.2.6", at: now)
        }
        record(.security, from: World.attacker, action, parts.joined(separator: "; "),
               rule: "browser-based-apps BCP §5.1.3", tokens: (read.map(shortID) + jar))
        if issued.refresh != nil, policy.refreshStorage != .cookie {
            record(.client, from: client.name, "the app still holds \(shortID(client.refresh)); its next refresh presents a rotated token",
                   tokens: [shortID(client.refresh)])
        }
    }

    func startRefresh(client index: Int, resume: Int?, isRetry: Bool, byAttacker: Bool = false) {
        let client = clients[index]
        // Under a backend the page asks it, session cookie and all (BCP §6.2.2.2).
        if policy.hasBackend, !client.isBackend, !client.isAttacker, client.refresh == nil, client.session != nil {
            send(.backendToken, from: index, purpose: .refresh(resume: resume, isRetry: isRetry), byAttacker: byAttacker)
            return
        }
        guard let refresh = client.refresh else { return }
        // The browser attaches no Secure cookie to a request over a plain
        // link (RFC 6265 §5.4): with the refresh token in one, the app cannot
        // refresh at all, and its session is over.
        if !client.isAttacker, !client.isBackend, !byAttacker, client.refreshStorage == .cookie, cookie(.refresh, of: client).secure, !policy.tls {
            client.dropTokens(at: now)
            if isRecording {
                let why = "its refresh cookie \(shortID(refresh)) is Secure, and a Secure cookie is never sent over a plain link"
                record(.client, from: client.name, "cannot refresh: \(why); \(client.user) must log in again", rule: "RFC 6265 §4.1.2.5, §5.4")
                attackLog.noteCost("\(client.user) was logged out at \(now.clockText): \(why)", user: client.user)
            }
            return
        }
        send(.refresh(refresh), from: index, purpose: .refresh(resume: resume, isRetry: isRetry), byAttacker: byAttacker)
    }

    func perform(_ action: ScheduledAction, client index: Int) {
        switch action {
        case .login:
            startLogin(client: index)
        case .repeatCall(let resource, let period):
            if !clients[index].busy { startCall(client: index, resource: resource, isRetry: false) }
            schedule(.clientAction(client: index, action: action), after: period)
        }
    }
}
