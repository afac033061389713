import TokenLabCore

/// Ending a user's sessions from the server side: an operator's revocation
/// or a password change (RFC 9700 §4.14.2: "Authorization servers MAY revoke
/// refresh tokens automatically in case of a security event, such as:
/// password change; logout at the authorization server").
extension AuthServer {
    /// Revokes every family of `user` still live, including ones a silent
    /// login started (the server cannot tell them from the user's own), and,
    /// with a denylist, denylists every unexpired access token of all the
    /// user's families. Returns the families it revoked.
    func endSessions(ofUser user: Int, at now: VirtualTime, reason: String, policy: Policy) -> [Int] {
        let mine = families.indices.filter { families[$0].user == user }
        let revoked = mine.filter { families[$0].revoked == nil }
        for family in mine { endGrant(family, at: now, reason: reason, policy: policy) }
        return revoked
    }

    /// Ends a grant: its family's refresh tokens are refused from now on,
    /// and, when the server keeps a denylist (it can revoke access tokens),
    /// the family's unexpired access tokens are denylisted with it. RFC 7009
    /// §2.1: a server that supports revoking access tokens "SHOULD also
    /// invalidate all access tokens based on the same authorization grant";
    /// RFC 6749 §4.1.2 asks the same of a reused code "(when possible)".
    /// Without a denylist, access tokens validated locally stay valid until
    /// they expire, and the narrator says so. A family revoked earlier keeps
    /// its first reason. Returns the `jti`s denylisted.
    @discardableResult
    func endGrant(_ family: Int, at now: VirtualTime, reason: String, policy: Policy) -> [String] {
        revokeFamily(family, at: now, reason: reason)
        guard policy.denylist else { return [] }
        let nowSeconds = now.unixSeconds(epoch: World.epoch)
        var denylisted: [String] = []
        for token in families[family].accessTokenIDs where token.expiresAt > nowSeconds {
            denylist(tokenID: token.id, expiresAt: token.expiresAt, now: now)
            denylisted.append(token.id)
        }
        return denylisted
    }
}
