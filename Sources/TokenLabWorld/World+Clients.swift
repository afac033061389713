import TokenLabCore
import TokenLabTokens

/// The browsers' side of an exchange: storing tokens, refreshing once on a
/// 401 and retrying, refreshing ahead of expiry, dropping a dead session.
extension World {
    func clientReceives(_ index: Int) {
        guard let exchange = exchanges[index] else { return }
        finish(index)
        let client = clients[exchange.client]
        client.busy = false
        switch (exchange.purpose, exchange.response) {
        case (.login, .redirect), (.interceptedLogin, _), (.redeem, _):
            loginStepArrives(exchange)
        case (.login, .tokens(let issued)), (.refresh, .tokens(let issued)):
            client.access = issued.access
            client.accessExpiresAt = now + .seconds(issued.expiresIn)
            if let refresh = issued.refresh { client.refresh = refresh }
            client.storage = policy.storage
            client.family = issued.family
            if case .refresh(let resume?, let isRetry) = exchange.purpose {
                startCall(client: exchange.client, resource: resume, isRetry: isRetry, byAttacker: exchange.byAttacker)
            }
        case (.login, .oauthError):
            if isRecording { record(.client, from: client.name, "login failed") }
        case (.refresh, .oauthError(let error)):
            // An attacker keeps what she holds until she chooses otherwise; the app drops a dead session.
            if client.isAttacker {
                if isRecording { record(.client, from: client.name, "refresh refused: she keeps what she holds (\(attackerHoldings))") }
                break
            }
            client.dropTokens()
            if isRecording {
                record(.client, from: client.name, "refresh refused: drops its tokens; \(client.user) must log in again")
                attackLog.noteCost("\(client.user) was logged out at \(now.clockText): \(error.description)")
            }
        case (.call(let resource, let isRetry), .api(let answer)):
            counters.callsCompleted += 1
            if answer.status == 200 { counters.callsSucceeded += 1 }
            if answer.status == 401, answer.error != nil, !isRetry, client.refresh != nil {
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
        if !isRetry, let ahead = policy.refreshAhead, client.refresh != nil, let expiry = client.accessExpiresAt, now + ahead >= expiry {
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

    func startRefresh(client index: Int, resume: Int?, isRetry: Bool, byAttacker: Bool = false) {
        guard let refresh = clients[index].refresh else { return }
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
