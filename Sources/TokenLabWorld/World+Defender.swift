import TokenLabCore

/// The defender's side: ending a user's sessions at the auth server, so that
/// a family the user's app never saw (a silent login's) can be ended by
/// someone other than the attacker holding it.
extension World {
    /// `admin revoke USER`: the operator ends every refresh family of USER.
    public func adminRevoke(user: String) throws(CommandError) {
        let account = try accountIndex(user, for: "admin revoke")
        endSessions(of: account, reason: "admin", action: "admin revoke \(user)",
                    who: "every session of \(user)", rule: "RFC 9700 §4.14.2, RFC 7009 §2.1")
    }

    /// `password USER`: USER changes their password; the auth server treats
    /// it as a security event and revokes USER's refresh tokens. The model
    /// has no login form, so no password value changes.
    public func changePassword(user: String) throws(CommandError) {
        let account = try accountIndex(user, for: "password")
        endSessions(of: account, reason: "password change", action: "password change (\(user))",
                    who: "\(user)'s browser must log in again", rule: "RFC 9700 §4.14.2")
    }

    private func accountIndex(_ user: String, for command: String) throws(CommandError) -> Int {
        guard let index = auth.userIndex(named: user) else {
            if user == World.attacker { throw CommandError("\(command): \(user) has no account at the auth server; valid: " + userNames.joined(separator: ", ")) }
            _ = try clientIndex(user)
            throw CommandError("\(command): unknown user '\(user)'")
        }
        return index
    }

    private func endSessions(of account: Int, reason: String, action: String, who: String, rule: String) {
        let revoked = auth.endSessions(ofUser: account, at: now, reason: reason, policy: policy)
        guard isRecording else { return }
        let name = auth.users[account].name
        // The narrator's view of the same grants: the access tokens minted for them, not yet expired.
        let live = auth.families.indices.filter { auth.families[$0].user == account }.flatMap(liveAccessTokens(of:))
        var notes: [String] = []
        notes.append(revoked.isEmpty ? "no live session of \(name): nothing to revoke"
                     : revoked.map { "fam\($0 + 1)" }.joined(separator: " ") + " revoked: " + who)
        if !live.isEmpty { notes.append(accessTokenFate(live, denylisted: policy.denylist, familyRevoked: true)) }
        record(.security, from: "auth", action, notes.joined(separator: "; "), rule: rule,
               tokens: revoked.map { "fam\($0 + 1)" } + live)
    }

    /// What becomes of access tokens whose family was just revoked, in the
    /// validation mode in force, as an event line says it.
    func accessTokenFate(_ ids: [String], denylisted: Bool, familyRevoked: Bool) -> String {
        let list = ids.joined(separator: " ")
        let one = ids.count == 1
        if denylisted { return "\(list) denylisted" }
        if policy.validation == .introspection, familyRevoked {
            let cached = policy.introspectionCache.milliseconds > 0
                ? " (an answer the API cached as active stays for up to introspection.cache \(policy.introspectionCache.text))" : ""
            return "\(list) inactive at once: introspection finds \(one ? "its" : "their") family revoked" + cached
        }
        let mode = policy.validation == .introspection ? "its family is live" : "local validation, no denylist"
        return "\(list) \(one ? "stays" : "stay") valid until \(one ? "it expires" : "they expire") (\(mode))"
    }

    /// The unexpired access tokens minted for `family`, by id, in minting
    /// order: what ending its grant reaches, or leaves valid.
    func liveAccessTokens(of family: Int) -> [String] {
        ledger.entries.filter { $0.kind == .access && $0.family == family && $0.expiresAt > now }.map(\.id)
    }

    /// What ending `family`'s grant did to its unexpired access tokens
    /// (`except` one the line speaks of already), or nil when none is left.
    func accessFateAfterGrantEnds(_ family: Int, except: String? = nil) -> String? {
        let live = liveAccessTokens(of: family).filter { $0 != except }
        guard !live.isEmpty else { return nil }
        return accessTokenFate(live, denylisted: policy.denylist, familyRevoked: true)
    }
}
