import TokenLabCore
import TokenLabTokens

/// Mallory may open an ordinary account of her own, as anyone may on a
/// public service: her tokens are then minted for her, not stolen, and a
/// story can mix them with a victim's (a refresh token stays bound to the
/// user and client it was issued to, RFC 6749 §6).
extension World {
    /// `signup mallory`: an ordinary account (role user); `login mallory` then
    /// runs the same code flow with PKCE as anyone's.
    public func signup(_ name: String) throws(CommandError) {
        guard auth.userIndex(named: name) == nil else { throw CommandError("\(name) already has an account; login \(name)") }
        guard name == World.attacker else {
            throw CommandError("signup: only \(World.attacker) has no account here (valid: \(World.attacker))")
        }
        let index = try clientIndex(name)
        // Her device knows her own password, as any browser's user does.
        auth.addUser(User(name: name, password: clients[index].password, role: "user", scope: "orders:read"))
        record(.security, from: clients[index].name, "signup \(name)",
               "an ordinary account: role user, scope orders:read; login \(name) mints tokens for her", rule: "RFC 6749 §4.1")
    }

    /// After her own login: the tokens minted for her join what she holds,
    /// marked as hers (not stolen).
    func attackerKeepsHerOwnTokens() {
        guard let index = client(forUser: World.attacker) else { return }
        let client = clients[index]
        for token in [client.access, client.refresh].compactMap({ $0 }) {
            guard let entry = ledger.entry(value: token), entry.owner == World.attacker, entry.family >= 0 else { continue }
            attackerTakes(token: token, kind: entry.kind, how: "minted for her", victim: World.attacker, expiresAt: client.accessExpiresAt)
        }
    }
}
