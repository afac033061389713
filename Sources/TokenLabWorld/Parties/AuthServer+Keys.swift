import TokenLabCore
import TokenLabTokens

/// The auth server's keys: proof of possession for token requests
/// (RFC 9449) and signing-key rotation with `kid`.
extension AuthServer {
    // MARK: Proof of possession (RFC 9449)

    static let tokenEndpoint = "https://auth.tokenlab.test/token"

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
    func rotateKey() -> String {
        keysMade += 1
        let key = HS256Key(kid: "k\(keysMade)", secret: keyStream.bytes(32))
        keys.append(key)
        minter = AccessTokenMinter(key: key)
        updateValidator()
        return key.kid
    }

    /// Stops accepting tokens signed with `kid`. The signing key cannot be retired.
    func retireKey(_ kid: String, at now: VirtualTime) throws(CommandError) {
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
