import TokenLabCore

/// Writing down what crossed the network, as it crosses (see NetworkRecord).
extension World {
    /// The tokens a request carries, and where a third party could read them.
    func noteCrossings(of request: Exchange.Request, from client: Int) {
        let plain = !policy.tls
        // A sniffer watches the machine's link, whichever tab sent the request.
        let machine = clients[client].browser
        func note(_ token: String?, _ kind: TokenLedger.Kind, _ carriedIn: String, place: NetworkRecord.Place = .plainLink) {
            guard let token, place == .urlInLog || plain else { return }
            network.note(.init(time: now, client: machine, token: token, kind: kind, place: place, carriedIn: carriedIn))
        }
        switch request {
        case .password, .authorize:
            // An S256 challenge seen on the way does not give the verifier (RFC 7636 §7.2).
            break
        case .codeGrant(let request):
            note(request.code, .code, "the token request's body")
        case .refresh(let token):
            if refreshRidesInCookie(clients[client]) {
                // Secure off: the cookie crosses the plain link; on, the browser never stored it (World+Clients).
                note(token, .refresh, "the Cookie header of POST /token")
            } else {
                note(token, .refresh, "the refresh request's body")
            }
        case .logout(let refresh, let access):
            note(refresh, .refresh, "the logout's revocation request")
            note(access, .access, "the logout's revocation request")
        case .backendLogin(let code, _):
            note(code, .code, "the callback to the backend (/bff/callback?code=)")
        case .backendCall, .backendToken, .backendLogout:
            // Only the session cookie crosses: not a token a thief can present to the API or the auth server.
            break
        case .revoke(let token):
            note(token, ledger.entry(value: token)?.kind == .refresh ? .refresh : .access, "a revocation request")
        case .api(let resource, let token):
            guard let token else { return }
            let path = Resource.catalog[resource].path
            if clients[client].accessStorage == .cookie {
                // RFC 6265 §4.1.2.5: a Secure cookie is not sent over a plain link at all.
                if plain && cookie(.access, of: clients[client]).secure { network.noteSecureCookieWithheld(client: machine); return }
                note(token, .access, "the Cookie header of \(path)")
            } else if policy.tokenInQuery && !policy.dpop {
                note(token, .access, "the URL of \(path) (?access_token=)", place: .urlInLog)
                note(token, .access, "the URL of \(path) (?access_token=)")
            } else {
                note(token, .access, "the Authorization header of \(path)")
            }
        }
    }

    /// The tokens a token response carries back over the link.
    func noteCrossings(of issued: IssuedTokens, to client: Int) {
        guard !policy.tls else { return }
        let machine = clients[client].browser
        network.note(.init(time: now, client: machine, token: issued.access, kind: .access, place: .plainLink,
                           carriedIn: "the token response"))
        if let refresh = issued.refresh {
            let cookie = !clients[client].isAttacker && !clients[client].isBackend && policy.refreshStorage == .cookie
            network.note(.init(time: now, client: machine, token: refresh, kind: .refresh, place: .plainLink,
                               carriedIn: cookie ? "the Set-Cookie header of the token response" : "the token response"))
        }
    }
}
