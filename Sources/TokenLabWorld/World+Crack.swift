import TokenLabCore
import TokenLabTokens

/// Weak HS256 secrets and the offline attack on them, as PortSwigger's Web
/// Security Academy teaches it: one signed token is all it takes to test
/// guesses, with no request the server could count or rate-limit.
extension World {
    /// The built-in word list: the auth server's weak secrets come from it,
    /// and `crack` tries it, so a weak secret is always found.
    public static let wordList = [
        "secret", "password", "changeme", "123456", "admin", "letmein", "qwerty", "jwt", "key", "token",
        "default", "test", "welcome", "secret123", "password1", "supersecret", "s3cr3t", "hunter2", "dragon", "iloveyou",
    ]

    /// The word a weak key gets, chosen by the 32 bytes drawn for it.
    static func weakSecret(chosenBy bytes: [UInt8]) -> String {
        let value = bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return wordList[Int(value % UInt64(wordList.count))]
    }

    /// `crack TOKEN|USER`: try every word of the list as the HMAC secret of
    /// the token's signature. A hit puts the key into mallory's knowledge.
    public func crack(_ reference: String) throws(CommandError) {
        let token = try accessTokenValue(reference)
        let id = shortID(token)
        let decoded: DecodedJWS
        do { decoded = try DecodedJWS(token) } catch { throw CommandError("crack: \(reference) is not a JWS: \(error)") }
        let alg = decoded.header["alg"]?.stringValue ?? "(none)"
        let action = "crack \(id)"
        let rule = "RFC 7518 §3.2, RFC 8725 §3.5"
        guard alg == "HS256", !decoded.signature.isEmpty else {
            let why = alg == "RS256"
                ? "RS256 has no shared secret to guess: the signature is checked with a public key"
                : "\(id) carries no HMAC signature to test guesses against (alg \(alg))"
            attackLog.noteBlocked(action, why: why, rule: rule, at: now)
            record(.security, from: World.attacker, action, "nothing: \(why)", rule: rule, tokens: [id])
            return
        }
        let kid = decoded.header["kid"]?.stringValue ?? "?"
        let input = Array(decoded.signingInput.utf8)
        let signature = decoded.signature
        for (tries, word) in World.wordList.enumerated() {
            let guess = HS256Key(kid: kid, secret: Array(word.utf8))
            let matches = input.withUnsafeBytes { i in signature.withUnsafeBytes { guess.isValidSignature($0, for: i) } }
            guard matches else { continue }
            attackerLearns(guess, how: "cracked from \(id) (word list)")
            record(.security, from: World.attacker, action,
                   "found the secret of \(kid) offline: \"\(word)\" (guess \(tries + 1) of \(World.wordList.count)); she can sign as the auth server",
                   rule: rule, tokens: [id])
            return
        }
        let strong = auth.keys.contains { $0.kid == kid } || auth.retiredAt[kid] != nil
        let why = "no word of \(World.wordList.count) matches" + (strong ? ": the secret of \(kid) is 32 random bytes, and no word list reaches it" : "")
        attackLog.noteBlocked(action, why: why, rule: rule, at: now)
        record(.security, from: World.attacker, action, "nothing: \(why)", rule: rule, tokens: [id])
    }

    /// A token for `crack` and `forge edit`: a short id, a pasted compact
    /// JWT, or a user (their current access token, as `forge` reads it).
    func accessTokenValue(_ reference: String) throws(CommandError) -> String {
        if let user = client(forUser: reference) {
            guard let held = clients[user].access else {
                throw CommandError("\(reference) holds no access token; login \(reference) first")
            }
            return held
        }
        let token = try tokenValue(reference)
        if let entry = ledger.entry(value: token), entry.kind == .refresh || entry.kind == .code {
            throw CommandError("\(reference) is an opaque \(entry.kind == .code ? "authorization code" : "refresh token"): it has no signature; use an access token (at…)")
        }
        return token
    }
}
