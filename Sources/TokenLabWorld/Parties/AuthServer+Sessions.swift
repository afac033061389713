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
        for family in revoked { revokeFamily(family, at: now, reason: reason) }
        // RFC 7009 §2.1: when a server supports revoking access tokens, ending
        // a refresh token SHOULD also invalidate the access tokens of its
        // grant; the denylist is how this one revokes access tokens.
        if policy.denylist {
            let nowSeconds = now.unixSeconds(epoch: World.epoch)
            for family in mine {
                for token in families[family].accessTokenIDs where token.expiresAt > nowSeconds {
                    denylist(tokenID: token.id, expiresAt: token.expiresAt, now: now)
                }
            }
        }
        return revoked
    }
}
