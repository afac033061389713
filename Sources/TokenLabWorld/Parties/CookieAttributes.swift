import TokenLabCore

/// The attributes a cookie was set with. A browser keeps them with the
/// cookie until the next Set-Cookie replaces it (draft-ietf-httpbis-rfc6265bis
/// §5.7), so changing the server's cookie settings changes nothing for a
/// cookie already in a jar.
struct CookieAttributes: Equatable {
    var httpOnly: Bool
    var secure: Bool
    var sameSite: SameSite
    var path: String

    /// What the auth server (or backend) sets now, under `policy`.
    init(_ policy: Policy) {
        httpOnly = policy.cookieHttpOnly
        secure = policy.cookieSecure
        sameSite = policy.cookieSameSite
        path = policy.cookiePath
    }
}

/// The cookies a browser may hold: the refresh token, the access token, a backend's session.
enum CookieKind { case access, refresh, session }

extension World {
    /// The attributes `client`'s browser keeps with that cookie (those of
    /// the policy for one set before attributes were kept).
    func cookie(_ kind: CookieKind, of client: Client) -> CookieAttributes {
        let kept = switch kind {
        case .access: client.profile.accessCookie
        case .refresh: client.profile.refreshCookie
        case .session: client.profile.sessionCookie
        }
        return kept ?? CookieAttributes(policy)
    }

    /// " (the cookie was set with SameSite=Strict; the policy's SameSite=None
    /// applies from its next Set-Cookie)", or nothing when cookie and policy agree.
    func staleNote(_ attribute: String, set value: String, now: String) -> String {
        value == now ? "" : " (the cookie was set with \(attribute)=\(value); the policy's \(attribute)=\(now) applies from its next Set-Cookie)"
    }
}
