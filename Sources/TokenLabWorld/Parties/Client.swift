import TokenLabCore
import TokenLabTokens

/// A user's device (a browser app): holds tokens where the policy says,
/// refreshes once on 401, optionally ahead of expiry.
final class Client {
    let name: String
    let user: String
    let password: String
    let clientID = "browser-app"
    var access: String?
    /// When the client believes its access token expires: receipt + `expires_in`.
    var accessExpiresAt: VirtualTime?
    var refresh: String?
    /// Where each token was stored when it arrived.
    var accessStorage: TokenStorage = .localStorage
    var refreshStorage: TokenStorage = .localStorage
    var busy = false
    var family: Int?
    /// An attacker's device: it holds what it stole and uses it like anyone.
    let isAttacker: Bool
    /// What an attacker took, in order.
    var loot: [StolenItem] = []
    /// The DPoP key (made on first use) and the stream its proof ids come from.
    var dpopKey: DPoPKey?
    /// A request forged by another site is on its way (CSRF), for the narrator.
    var crossSitePending = false
    var proofIDs: RandomStream?
    /// The login in progress: PKCE verifier and state (World+Login).
    var login = BrowserLogin()

    init(name: String, user: String, password: String, isAttacker: Bool = false) {
        self.name = name
        self.user = user
        self.password = password
        self.isAttacker = isAttacker
    }

    /// An independent copy for a world snapshot.
    init(copying other: Client) {
        name = other.name
        user = other.user
        password = other.password
        isAttacker = other.isAttacker
        access = other.access
        accessExpiresAt = other.accessExpiresAt
        refresh = other.refresh
        accessStorage = other.accessStorage
        refreshStorage = other.refreshStorage
        busy = other.busy
        family = other.family
        loot = other.loot
        dpopKey = other.dpopKey
        crossSitePending = other.crossSitePending
        proofIDs = other.proofIDs
        login = other.login
    }

    func dropTokens() {
        access = nil
        accessExpiresAt = nil
        refresh = nil
        family = nil
    }

    /// How the access token travels: a header, or a cookie the browser attaches.
    var carrier: String { accessStorage == .cookie ? "Cookie" : "Bearer" }

    func carrier(inQuery: Bool) -> String { inQuery && accessStorage != .cookie ? "?access_token=" : carrier }

    func storage(of kind: TokenLedger.Kind) -> TokenStorage { kind == .refresh ? refreshStorage : accessStorage }
}

/// One token an attacker took, and how.
struct StolenItem {
    let token: String
    let victim: String
    let capability: String
    let at: VirtualTime
}
