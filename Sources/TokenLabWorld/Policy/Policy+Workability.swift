import TokenLabCore

extension Policy {
    /// The first combination of settings that cannot work, as one line
    /// naming both settings and what is expected; nil when the policy runs.
    /// `set` refuses such a policy, so the event loop never meets one.
    public var unworkableCombination: String? {
        // The client dates its token from `expires_in`, whole seconds (RFC 6749 §5.1):
        // refreshing that far ahead makes every fresh token due again at once.
        let lifetime = Duration.seconds(accessTTL.wholeSeconds)
        if let ahead = refreshAhead, ahead >= lifetime {
            let rounded = lifetime == accessTTL ? "" : " (\(lifetime.text) in expires_in, which counts whole seconds)"
            return "client.refresh_ahead \(ahead.text) must be shorter than access.ttl \(accessTTL.text)\(rounded); "
                + "otherwise each new token is due for refresh at once and the client refreshes forever"
        }
        if hasBackend, loginFlow == .password {
            return "client.architecture \(architecture.rawValue) needs login.flow code: the backend MUST use the authorization code grant "
                + "(browser-based-apps BCP §6.1.3.1, §6.2.3.1)"
        }
        if architecture == .tokenMediating, dpop {
            return "dpop on with client.architecture token-mediating: the backend gets the token and the page uses it, so the DPoP key "
                + "would be split over two parties, which RFC 9449 does not define (browser-based-apps BCP §6.2.4.3.2)"
        }
        if refreshStorage == .cookie, !hasBackend, !Policy.pathMatches(requestPath: AuthServer.tokenPath, cookiePath: cookiePath) {
            return "cookie.path \(cookiePath) excludes the token endpoint \(AuthServer.tokenPath): the browser would never send the refresh cookie "
                + "there (RFC 6265 §5.1.4); use /token or /"
        }
        return nil
    }

    /// RFC 6265 §5.1.4 path-match.
    static func pathMatches(requestPath: String, cookiePath: String) -> Bool {
        if requestPath == cookiePath { return true }
        guard requestPath.hasPrefix(cookiePath) else { return false }
        return cookiePath.hasSuffix("/") || requestPath.dropFirst(cookiePath.count).first == "/"
    }
}

extension Policy {
    /// `set signing` and `set algs` must not silently lock every user out
    /// (the API refusing the very `alg` the auth server signs with, RFC 8725
    /// §3.1). A new signing alg joins the allow-list; an allow-list without
    /// the signing alg is kept, since a lesson may want it, but the line says
    /// what else must change. Returns that note for `set`'s output line.
    mutating func keepAllowedAlgorithmsConsistent(after key: String) -> String? {
        let signed = signing.rawValue
        guard !allowedAlgorithms.contains(signed) else { return nil }
        switch key {
        case "signing":
            allowedAlgorithms.append(signed)
            return "algs now \(allowedAlgorithms.joined(separator: ",")) so the API accepts what the auth server signs"
        case "algs":
            return "the auth server signs \(signed), which the API now refuses: every new token fails; add \(signed) or set signing"
        default:
            return nil
        }
    }
}
