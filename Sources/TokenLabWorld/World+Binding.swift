import TokenLabCore
import TokenLabTokens

/// What the API decides once it has claims (by introspection or locally)
/// beyond their validity: the audience of introspected tokens and the key
/// binding of sender-constrained ones (RFC 9449). And the client's proofs.
extension World {
    func answerFromIntrospection(_ answer: (active: Bool, claims: AccessTokenClaims?, reason: String), resource: Int,
                                         token: String?, proof: String?) -> APIResponse {
        guard answer.active, let claims = answer.claims else {
            return .invalidToken("inactive: \(answer.reason)", rule: "RFC 7662 §2.2")
        }
        if policy.checksAudience, !claims.audienceMatches {
            return .invalidToken("audience is not this API (from introspection)", rule: "RFC 9700 §2.3, RFC 7662 §2.2")
        }
        var response = bindingRefusal(claims, token: token, proof: proof, resource: resource) ?? api.authorize(claims, for: Resource.catalog[resource])
        // An active answer from the API's cache says so, as an inactive one does in its reason.
        if answer.reason.hasSuffix("(cached)") { response.description += " (introspection answer cached)" }
        return response
    }

    /// A token bound to a key (cnf.jkt) needs a fresh proof by that key for
    /// this very request (RFC 9449 §7.1); nil when it has one or is unbound.
    func bindingRefusal(_ claims: AccessTokenClaims, token: String?, proof: String?, resource: Int) -> APIResponse? {
        guard let token else { return nil }
        guard let bound = claims.confirmationThumbprint else {
            return policy.dpop ? .invalidToken("not sender-constrained: this API requires DPoP-bound tokens", rule: "RFC 9700 §2.2.1") : nil
        }
        let r = Resource.catalog[resource]
        switch api.checkProof(proof, method: r.method, url: ResourceServer.base + r.path, accessToken: token, now: now) {
        case .invalid(let why):
            return APIResponse(status: 401, error: "invalid_dpop_proof", description: why, rule: "RFC 9449 §4.3, §7.1")
        case .valid(let thumbprint, _):
            return thumbprint == bound ? nil : .invalidToken("bound to another key (cnf.jkt)", rule: "RFC 9449 §6.1, §7.1")
        }
    }

    /// The `WWW-Authenticate` header of a refusal: the `DPoP` scheme when the
    /// request came with a proof or the token is bound to a key (RFC 9449 §7.1),
    /// else `Bearer` (RFC 6750 §3); nil for an answer that is not a 401 or 403.
    func challenge(for answer: APIResponse, token: String?) -> String? {
        guard answer.status == 401 || answer.status == 403 else { return nil }
        // The ledger knows a token's family, and a family's key: decoding is for forgeries only.
        let bound = policy.dpop || token.map { token in
            if let entry = ledger.entry(value: token), entry.family >= 0 { return auth.families[entry.family].boundKey != nil }
            return (try? DecodedJWS(token))?.payload["cnf"] != nil
        } ?? false
        return answer.wwwAuthenticate(scheme: bound ? "DPoP" : "Bearer")
    }

    /// The client's DPoP key, made from its own seeded stream on first use;
    /// a browser's tabs share the key of its first tab (one key per browser).
    func dpopKey(of index: Int) -> DPoPKey {
        let client = clients[clients[index].browser]
        if clients[index].proofIDs == nil, index != client.browser {
            clients[index].proofIDs = RandomStream(seed: seed, name: "dpop.jti.\(clients[index].name)")
        }
        if let key = client.dpopKey { return key }
        // Each user's backend session has streams of its own: all are named `backend`.
        let stream = client.isBackend ? "backend.\(client.user)" : client.name
        var keyBytes = RandomStream(seed: seed, name: "dpop.key.\(stream)")
        let key = DPoPKey(seed: keyBytes.bytes(32))
        client.dpopKey = key
        client.proofIDs = RandomStream(seed: seed, name: "dpop.jti.\(stream)")
        return key
    }

    /// The client's proof for `request` (RFC 9449 §4.2), with its own key.
    func proof(for request: Exchange.Request, from index: Int) -> String? {
        let client = clients[index]
        let key = dpopKey(of: index)
        guard var ids = client.proofIDs else { return nil }
        let id = Base64URL.encode(ids.bytes(9))
        client.proofIDs = ids
        let iat = now.unixSeconds(epoch: World.epoch)
        switch request {
        case .password, .refresh, .codeGrant:
            return key.proof(method: "POST", url: AuthServer.tokenEndpoint, issuedAt: iat, id: id)
        case .api(let resource, let token):
            let r = Resource.catalog[resource]
            return key.proof(method: r.method, url: ResourceServer.base + r.path, issuedAt: iat, id: id, accessToken: token)
        case .logout, .revoke, .authorize, .backendLogin, .backendCall, .backendToken, .backendLogout:
            return nil
        }
    }
}
