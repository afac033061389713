import TokenLabCore
import TokenLabTokens

/// The auth server's keys: proof of possession for token requests
/// (RFC 9449) and signing-key rotation with `kid`.
extension AuthServer {
    // MARK: Proof of possession (RFC 9449)

    static let tokenEndpoint = "https://auth.tokenlab.test/token"
    /// The token endpoint's path, which a refresh cookie's Path must cover.
    static let tokenPath = "/token"

    enum ProofCheck {
        case bound(String?)
        case refused(OAuthError)
    }

    /// The key a token request proves, when the policy or the family asks for one.
    func checkProof(_ proof: String?, now: VirtualTime, policy: Policy, boundTo key: String?) -> ProofCheck {
        guard policy.dpop || key != nil else { return .bound(nil) }
        switch DPoPCheck.verify(proof, method: "POST", url: AuthServer.tokenEndpoint, now: now.unixSeconds(epoch: World.epoch), maxAge: 60) {
        case .invalid(let why):
            return .refused(OAuthError(code: "invalid_dpop_proof", description: why, rule: "RFC 9449 §4.3, §5"))
        case .valid(let thumbprint, _):
            if let key, key != thumbprint {
                return .refused(OAuthError(description: "the refresh token is bound to another key (DPoP)", rule: "RFC 9449 §5"))
            }
            return .bound(thumbprint)
        }
    }

    // MARK: Signing keys

    /// A new signing key with the next `kid`; the old ones still verify
    /// until retired, so tokens already issued keep working (RFC 7517 §4.5).
    func rotateKey(weak: Bool = false) -> String {
        keysMade += 1
        // 32 bytes are drawn either way, so a weak key never shifts the
        // strong keys made after it; a weak secret is a word chosen by them.
        var secret = keyStream.bytes(32)
        if weak { secret = Array(World.weakSecret(chosenBy: secret).utf8) }
        let key = HS256Key(kid: "k\(keysMade)", secret: secret)
        keys.append(key)
        minter = AccessTokenMinter(key: key)
        updateValidator()
        return key.kid
    }

    /// Stops accepting tokens signed with `kid`. The signing key cannot be retired.
    func retireKey(_ kid: String, at now: VirtualTime) throws(CommandError) {
        if kid == RS256Key.lab.kid {
            // Retiring protects a secret; this key's private half is in the source.
            throw CommandError("\(kid) cannot be retired: it is the lab RSA key, published in RS256Key.swift, so anyone can sign with it "
                               + "and there is no second RSA key to rotate to; set signing HS256 and the API stops accepting RS256 tokens")
        }
        guard let index = keys.firstIndex(where: { $0.kid == kid }) else {
            throw CommandError("no key '\(kid)'; valid: " + keys.map(\.kid).joined(separator: ", "))
        }
        guard index != keys.count - 1 else { throw CommandError("\(kid) signs new tokens; keys rotate first, then retire it") }
        keys.remove(at: index)
        retiredAt[kid] = now
        updateValidator()
    }

    func updateValidator() {
        var rules = validator.rules
        rules.keys = keys
        validator.rules = rules
    }
}
