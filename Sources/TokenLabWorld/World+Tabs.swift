import TokenLabCore

/// Tabs: a user's browser runs the app in one or more tabs. They share the
/// browser's cookie jar and localStorage; each has its own memory and
/// sessionStorage (browser-based-apps BCP §8.4, §8.5). Nothing about tabs
/// is special-cased elsewhere: a tab is a client whose shared tokens live
/// in its browser's profile, so two tabs refreshing with one shared refresh
/// token race at the auth server as any two clients would.
extension World {
    public static let maximumTabs = 9

    /// The tabs of the browser `index` belongs to, first tab first.
    func tabs(of index: Int) -> [Int] {
        let browser = clients[index].browser
        return clients.indices.filter { clients[$0].browser == browser }
    }

    /// `open USER`: a new tab of USER's browser loads the app. Its memory and
    /// sessionStorage start empty; what localStorage and the cookie jar hold
    /// it sees at once. With no access token but a refresh token within
    /// reach, the app refreshes silently, as after a reload.
    public func openTab(user: String) throws(CommandError) {
        let index = try clientIndex(user)
        let first = clients[clients[index].browser]
        guard !first.isAttacker else { throw CommandError("open takes a user's browser: alice or bob") }
        let count = tabs(of: index).count
        guard count < World.maximumTabs else {
            throw CommandError("open: \(first.user)'s browser has \(count) tabs open, the most this model keeps")
        }
        let tab = Client(name: "\(first.user).tab\(count + 1)", user: first.user, password: first.password,
                         browser: first.browser, tab: count + 1, profile: first.profile)
        clients.append(tab)
        let newIndex = clients.count - 1
        let sees = [tab.access.map { "\(shortID($0)) (\(tab.accessStorage.rawValue))" },
                    tab.refresh.map { "\(shortID($0)) (\(tab.refreshStorage.rawValue))" }].compactMap { $0 }
        record(.client, from: tab.name, "opens: a new tab of \(first.user)'s browser",
               "memory and sessionStorage start empty; shared with the other tabs: "
                   + (sees.isEmpty ? "nothing" : sees.joined(separator: ", ")),
               rule: "browser-based-apps BCP §8.5", tokens: sees.map { String($0.prefix(while: { $0 != " " })) })
        appStarts(in: newIndex, after: "opening")
        try settle()
    }

    /// The app starting in a tab (a reload, a new tab): with no access token
    /// and a refresh token it can reach, it refreshes at once.
    func appStarts(in index: Int, after what: String) {
        let client = clients[index]
        if client.access == nil, canRefresh(index) {
            client.family = client.family ?? clients[client.browser].family
            record(.client, from: client.name, "no access token after the \(what): refreshes silently",
                   rule: client.refreshStorage == .cookie ? "RFC 6749 §6, RFC 6265 §5.4" : "RFC 6749 §6")
            startRefresh(client: index, resume: nil, isRetry: false)
        } else if client.access == nil, client.refresh == nil, client.session == nil {
            client.family = nil
            record(.client, from: client.name, what == "reload" ? "no token survived the reload: \(client.user) must log in again"
                   : "nothing to start from: login \(client.name) logs this tab in")
        }
    }

    /// `race tabs USER`: every tab of USER's browser that holds a refresh
    /// token refreshes at the same instant, each with the one it can read.
    /// A shared refresh token (a cookie, localStorage) is presented twice,
    /// and rotation then sees the second as reuse unless a grace period
    /// covers it; a refresh token per tab (memory, sessionStorage) means a
    /// login per tab, a family per tab, and no race.
    func raceTabs(of index: Int) {
        let all = tabs(of: index)
        let client = clients[index]
        guard all.count > 1 else {
            refusedStep(by: client.name, "race tabs", "\(client.user) has one tab open (open \(client.user) opens another)")
            return
        }
        let refreshing = all.filter { clients[$0].refresh != nil }
        guard !refreshing.isEmpty else {
            refusedStep(by: client.name, "race tabs", "no tab holds a refresh token"
                        + (policy.hasBackend ? " (the backend keeps it and refreshes for the session)" : ""))
            return
        }
        let who = refreshing.map { tab in
            let c = clients[tab]
            let place = c.refreshStorage.isPerTab ? "its own \(c.refreshStorage.rawValue)" : "the browser's \(c.refreshStorage == .cookie ? "cookie jar" : "localStorage")"
            return "\(c.name) with \(shortID(c.refresh)) from \(place)"
        }
        let others = all.filter { clients[$0].refresh == nil }.map { clients[$0].name }
        record(.client, from: client.name, "tabs refresh at the same instant: " + who.joined(separator: "; ")
                   + (others.isEmpty ? "" : "; \(others.joined(separator: ", ")) holds no refresh token"),
               tokens: refreshing.compactMap { clients[$0].refresh }.map(shortID))
        for tab in refreshing { startRefresh(client: tab, resume: nil, isRetry: false) }
    }
}
