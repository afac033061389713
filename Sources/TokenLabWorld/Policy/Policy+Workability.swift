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
        if refreshStorage == .cookie, !Policy.pathMatches(requestPath: AuthServer.tokenPath, cookiePath: cookiePath) {
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
