import TokenLabCore
import TokenLabTokens

/// One tab of a user's browser running the app: holds tokens where the
/// policy says, refreshes once on 401, optionally ahead of expiry.
///
/// Tabs of one browser share its `profile` (localStorage and the cookie
/// jar) but not their memory or sessionStorage (HTML Standard, Web
/// storage): `shelf` is this tab's own. A token sits on one of the two,
/// as its storage says; the app of a tab sees its own shelf first.
final class Client {
    let name: String
    let user: String
    let password: String
    /// The OAuth client it acts as: the public browser app, or the backend's
    /// confidential client (World+Backend).
    var clientID: String { isBackend ? AuthServer.backendClientID : "browser-app" }
    /// The app's backend (a BFF or a token-mediating backend), keeping the
    /// tokens of one browser's session server-side; `serves` is that
    /// browser's first tab. Nil for a browser or the attacker.
    let serves: Int?
    var isBackend: Bool { serves != nil }
    /// Requests of the browser waiting for the backend's answer (exchange indices, in order).
    var waiting: [Int] = []
    /// 1 for the browser's first tab (`alice.browser`), 2 for `alice.tab2`...
    let tab: Int
    /// The index of the browser's first tab in `World.clients`: the machine
    /// a sniffer watches and whose DPoP key every tab uses.
    let browser: Int
    /// localStorage and cookies: one per browser, shared by its tabs.
    let profile: BrowserProfile
    /// Memory and sessionStorage: this tab's alone.
    var shelf = TokenShelf()
    var busy = false
    var family: Int?
    /// An attacker's device: it holds what it stole and uses it like anyone.
    let isAttacker: Bool
    /// What an attacker took, in order.
    var loot: [StolenItem] = []
    /// The DPoP key (made on first use, kept by the first tab) and the stream its proof ids come from.
    var dpopKey: DPoPKey?
    /// A request forged by another site is on its way (CSRF), for the narrator.
    var crossSitePending = false
    var proofIDs: RandomStream?
    /// The login in progress: PKCE verifier and state (World+Login).
    var login = BrowserLogin()

    init(name: String, user: String, password: String, isAttacker: Bool = false, browser: Int, tab: Int = 1,
         profile: BrowserProfile? = nil, serves: Int? = nil) {
        self.serves = serves
        self.name = name
        self.user = user
        self.password = password
        self.isAttacker = isAttacker
        self.browser = browser
        self.tab = tab
        self.profile = profile ?? BrowserProfile()
    }

    /// An independent copy for a world snapshot; `profile` is the copy of
    /// the browser's profile (shared with the copies of its other tabs).
    init(copying other: Client, profile: BrowserProfile?) {
        name = other.name
        user = other.user
        password = other.password
        isAttacker = other.isAttacker
        serves = other.serves
        waiting = other.waiting
        tab = other.tab
        browser = other.browser
        self.profile = profile ?? BrowserProfile(copying: other.profile)
        shelf = other.shelf
        busy = other.busy
        family = other.family
        loot = other.loot
        dpopKey = other.dpopKey
        crossSitePending = other.crossSitePending
        proofIDs = other.proofIDs
        login = other.login
    }

    // MARK: Where the tokens are

    /// Changes the shelf a token in `storage` sits on.
    private func onShelf(of storage: TokenStorage, _ change: (inout TokenShelf) -> Void) {
        if storage.isPerTab { change(&shelf) } else { change(&profile.shelf) }
    }

    /// The access token this tab's app sees: its own first, then the browser's.
    var access: String? {
        get { shelf.access ?? profile.shelf.access }
        set { onShelf(of: accessStorage) { $0.access = newValue } }
    }

    var accessExpiresAt: VirtualTime? {
        get { shelf.access != nil ? shelf.accessExpiresAt : profile.shelf.accessExpiresAt }
        set { onShelf(of: accessStorage) { $0.accessExpiresAt = newValue } }
    }

    /// Where the access token sits (where the next one goes when none does).
    var accessStorage: TokenStorage {
        shelf.access != nil ? shelf.accessStorage : profile.shelf.access != nil ? profile.shelf.accessStorage : shelf.accessStorage
    }

    var refresh: String? {
        get { shelf.refresh ?? profile.shelf.refresh }
        set { onShelf(of: refreshStorage) { $0.refresh = newValue } }
    }

    /// Whether the app holds a refresh token: `refresh != nil` without
    /// copying the token (every call asks; the token itself is cold).
    var holdsRefresh: Bool { shelf.refresh != nil || profile.shelf.refresh != nil }

    var refreshStorage: TokenStorage {
        shelf.refresh != nil ? shelf.refreshStorage : profile.shelf.refresh != nil ? profile.shelf.refreshStorage : shelf.refreshStorage
    }

    /// Stores a new access token where `storage` says. It replaces the one
    /// the app had, wherever that was: an app that moved its token to memory
    /// no longer reads the old copy in localStorage.
    func keepAccess(_ token: String?, expiresAt: VirtualTime?, in storage: TokenStorage, cookie: CookieAttributes? = nil) {
        if storage == .cookie, token != nil { profile.accessCookie = cookie }
        shelf.access = nil
        shelf.accessExpiresAt = nil
        profile.shelf.access = nil
        profile.shelf.accessExpiresAt = nil
        if !storage.isPerTab { shelf.accessStorage = storage }
        onShelf(of: storage) {
            $0.access = token
            $0.accessExpiresAt = expiresAt
            $0.accessStorage = storage
        }
    }

    /// `cookie`: the attributes of the Set-Cookie, when `storage` is a cookie.
    func keepRefresh(_ token: String?, in storage: TokenStorage, cookie: CookieAttributes? = nil) {
        if storage == .cookie, token != nil { profile.refreshCookie = cookie }
        shelf.refresh = nil
        profile.shelf.refresh = nil
        if !storage.isPerTab { shelf.refreshStorage = storage }
        onShelf(of: storage) {
            $0.refresh = token
            $0.refreshStorage = storage
        }
    }

    /// The app forgets its tokens (logout, a dead session): this tab's own
    /// and the browser's shared ones. Other tabs keep what is in their memory.
    func dropTokens(at now: VirtualTime) {
        shelf.access = nil
        shelf.accessExpiresAt = nil
        shelf.refresh = nil
        profile.shelf.access = nil
        profile.shelf.accessExpiresAt = nil
        profile.shelf.refresh = nil
        profile.session = nil
        profile.sessionEndedAt = now
        family = nil
    }

    /// The backend's session cookie in this browser's jar.
    var session: String? {
        get { profile.session }
        set { profile.session = newValue }
    }

    /// How the access token travels: a header, or a cookie the browser attaches.
    var carrier: String { accessStorage == .cookie ? "Cookie" : "Bearer" }

    func carrier(inQuery: Bool) -> String { inQuery && accessStorage != .cookie ? "?access_token=" : carrier }

    func storage(of kind: TokenLedger.Kind) -> TokenStorage { kind == .refresh ? refreshStorage : accessStorage }
}

/// Tokens in one place: a tab's memory and sessionStorage, or a browser's
/// localStorage and cookie jar. Each token remembers which of the two it is in.
struct TokenShelf {
    var access: String?
    var accessExpiresAt: VirtualTime?
    var accessStorage: TokenStorage = .localStorage
    var refresh: String?
    var refreshStorage: TokenStorage = .localStorage
}

/// What a browser keeps for all its tabs: localStorage and the cookie jar.
final class BrowserProfile {
    var shelf = TokenShelf()
    /// The backend's HttpOnly session cookie, when a backend is the client.
    var session: String?
    /// The attributes each cookie was set with (CookieAttributes).
    var accessCookie: CookieAttributes?
    var refreshCookie: CookieAttributes?
    var sessionCookie: CookieAttributes?
    /// When this browser (or this backend) last dropped its session: the
    /// end of what a script riding it could do (the report reads it).
    var sessionEndedAt: VirtualTime?
    init() {}
    init(copying other: BrowserProfile) {
        shelf = other.shelf
        session = other.session
        accessCookie = other.accessCookie
        refreshCookie = other.refreshCookie
        sessionCookie = other.sessionCookie
        sessionEndedAt = other.sessionEndedAt
    }
}

extension TokenStorage {
    /// Memory and sessionStorage belong to one tab; localStorage and cookies to the browser.
    var isPerTab: Bool { self == .memory || self == .sessionStorage }
}

/// One token an attacker took, and how.
struct StolenItem {
    let token: String
    let victim: String
    let capability: String
    let at: VirtualTime
}
