import TokenLabCore

/// One named policy setting: how it reads, how it is set, what it defends.
public struct PolicyKey: Sendable {
    public let name: String
    public let summary: String
    public let rule: String
    /// The values it accepts, for errors and completion: a list, or a description.
    public let accepts: String
    public let values: [String]
    let get: @Sendable (Policy) -> String
    let set: @Sendable (inout Policy, String) -> Bool

    public func value(in policy: Policy) -> String { get(policy) }
}

extension PolicyKey {
    static func duration(_ name: String, _ path: WritableKeyPath<Policy, Duration> & Sendable,
                         _ summary: String, rule: String) -> PolicyKey {
        PolicyKey(name: name, summary: summary, rule: rule, accepts: "a duration such as 250ms, 90s, 5m, 2h, 30d", values: [],
                  get: { $0[keyPath: path].text },
                  set: { policy, text in
                      guard let d = Duration(parsing: text) else { return false }
                      policy[keyPath: path] = d
                      return true
                  })
    }

    static func optionalDuration(_ name: String, _ path: WritableKeyPath<Policy, Duration?> & Sendable,
                                 _ summary: String, rule: String) -> PolicyKey {
        PolicyKey(name: name, summary: summary, rule: rule, accepts: "off or a duration such as 5m", values: ["off"],
                  get: { $0[keyPath: path]?.text ?? "off" },
                  set: { policy, text in
                      if text == "off" { policy[keyPath: path] = nil; return true }
                      guard let d = Duration(parsing: text), d.milliseconds > 0 else { return false }
                      policy[keyPath: path] = d
                      return true
                  })
    }

    static func flag(_ name: String, _ path: WritableKeyPath<Policy, Bool> & Sendable,
                     _ summary: String, rule: String) -> PolicyKey {
        PolicyKey(name: name, summary: summary, rule: rule, accepts: "on or off", values: ["on", "off"],
                  get: { $0[keyPath: path] ? "on" : "off" },
                  set: { policy, text in
                      switch text {
                      case "on": policy[keyPath: path] = true
                      case "off": policy[keyPath: path] = false
                      default: return false
                      }
                      return true
                  })
    }

    static func choice<E: RawRepresentable & CaseIterable>(
        _ name: String, _ path: WritableKeyPath<Policy, E> & Sendable, _ summary: String, rule: String
    ) -> PolicyKey where E.RawValue == String {
        let values = E.allCases.map(\.rawValue)
        return PolicyKey(name: name, summary: summary, rule: rule, accepts: values.joined(separator: ", "), values: values,
                         get: { $0[keyPath: path].rawValue },
                         set: { policy, text in
                             guard let value = E(rawValue: text) else { return false }
                             policy[keyPath: path] = value
                             return true
                         })
    }

    /// The catalog, in the order `policy` prints it.
    public static let all: [PolicyKey] = [
        .duration("access.ttl", \.accessTTL, "lifetime of an access token", rule: "RFC 9700 §4.14, RFC 6819 §5.1.5.3"),
        .duration("refresh.ttl", \.refreshTTL, "absolute lifetime of a refresh family, from login", rule: "browser-based-apps BCP §6.3.2.3"),
        .optionalDuration("refresh.idle", \.refreshIdle, "a refresh token unused this long expires", rule: "RFC 9700 §4.14.2"),
        .flag("refresh.rotation", \.rotation, "each refresh returns a new refresh token", rule: "RFC 9700 §4.14.2, OAuth 2.1 §4.3.1"),
        .flag("refresh.reuse_detection", \.reuseDetection, "reuse of a rotated token revokes its family", rule: "RFC 9700 §4.14.2"),
        .duration("refresh.grace", \.reuseGrace, "the previous token is still accepted this long (a common practice; RFC 9700 §4.14.2 has none)", rule: "RFC 9700 §4.14.2"),
        .flag("logout.revoke", \.revokeOnLogout, "logout revokes the refresh family", rule: "RFC 7009 §1, §2.1"),
        .flag("denylist", \.denylist, "the API refuses access tokens revoked before expiry", rule: "RFC 7009 §2.1, §3"),
        .choice("validation", \.validation, "the API validates locally or asks the auth server", rule: "RFC 9068 §4, RFC 7662 §2"),
        .duration("introspection.cache", \.introspectionCache, "how long the API caches an introspection answer", rule: "RFC 7662 §4"),
        .duration("leeway", \.leeway, "clock-skew allowance on exp and nbf", rule: "RFC 7519 §4.1.4"),
        .flag("check.iss", \.checksIssuer, "the API checks the issuer", rule: "RFC 9068 §4"),
        .flag("check.aud", \.checksAudience, "the API checks the audience", rule: "RFC 9068 §4, RFC 8725 §3.9"),
        .flag("check.typ", \.checksType, "the API requires typ at+jwt", rule: "RFC 9068 §4, RFC 8725 §3.11"),
        PolicyKey(name: "algs", summary: "signature algorithms the API accepts", rule: "RFC 8725 §3.1",
                  accepts: "a comma-separated list of HS256, RS256, none", values: ["HS256", "RS256", "HS256,RS256", "HS256,none", "HS256,RS256,none"],
                  get: { $0.allowedAlgorithms.joined(separator: ",") },
                  set: { policy, text in
                      let algs = text.split(separator: ",").map(String.init)
                      guard !algs.isEmpty, algs.allSatisfy({ ["HS256", "RS256", "none"].contains($0) }),
                            Set(algs).count == algs.count else { return false }
                      policy.allowedAlgorithms = algs
                      return true
                  }),
        PolicyKey(name: "storage", summary: "where the browser keeps both tokens (shorthand for storage.access and storage.refresh)",
                  rule: "browser-based-apps BCP §8", accepts: TokenStorage.allCases.map(\.rawValue).joined(separator: ", "),
                  values: TokenStorage.allCases.map(\.rawValue),
                  get: { $0.accessStorage == $0.refreshStorage ? $0.accessStorage.rawValue : "split" },
                  set: { policy, text in
                      guard let value = TokenStorage(rawValue: text) else { return false }
                      policy.storage = value
                      return true
                  }),
        .flag("cookie.httponly", \.cookieHttpOnly, "script cannot read the token cookie", rule: "browser-based-apps BCP §6.1.3.2"),
        .flag("cookie.secure", \.cookieSecure, "the token cookie is only sent over TLS", rule: "RFC 6265 §4.1.2.5"),
        .choice("cookie.samesite", \.cookieSameSite, "cross-site requests carry the cookie or not", rule: "draft-ietf-httpbis-rfc6265bis §5.6.7"),
        .flag("tls", \.tls, "links are TLS; off, a sniffer sees every token", rule: "RFC 6749 §10.3, §10.4, RFC 6750 §5.3"),
        .duration("latency", \.latency, "one-way network latency of every link", rule: ""),
        .optionalDuration("client.refresh_ahead", \.refreshAhead, "the client refreshes before use when expiry is this close", rule: "RFC 6749 §6"),
        .flag("client.token_in_query", \.tokenInQuery, "the client sends the access token in the URL query", rule: "RFC 6750 §2.3, §5.3"),
        .choice("signing", \.signing, "how the auth server signs access tokens (RS256 uses a published lab key)", rule: "RFC 7518 §3"),
        .flag("keys.per_alg", \.keysPerAlgorithm, "a key is used only with its own algorithm", rule: "RFC 8725 §3.1"),
        .flag("dpop", \.dpop, "tokens are bound to a key the browser holds; each request carries a proof", rule: "RFC 9449 §4, §6, §7"),
        // Appended, so the earlier keys keep their order in `policy` and trace headers.
        .choice("login.flow", \.loginFlow, "code: authorization code flow; password: the deprecated password grant", rule: "RFC 6749 §4.1, RFC 9700 §2.4"),
        .choice("login.pkce", \.pkce, "the code is bound to a verifier only the browser holds", rule: "RFC 7636 §4, RFC 9700 §2.1.1"),
        .choice("keys.secret", \.secretStrength, "strong: HS256 secrets are 32 random bytes; weak: a common word (a new key is made on change)",
                rule: "RFC 7518 §3.2, RFC 8725 §3.5"),
        .choice("storage.access", \.accessStorage, "where the browser keeps the access token (memory is lost on reload)",
                rule: "browser-based-apps BCP §8.1, §8.4, §8.5"),
        .choice("storage.refresh", \.refreshStorage, "where the browser keeps the refresh token (cookie: sent by the browser to the token endpoint)",
                rule: "browser-based-apps BCP §8.4, §8.5; cookie: RFC 6265 §4.1.2.6, §5.4"),
        PolicyKey(name: "cookie.path", summary: "Path of the refresh cookie (the token endpoint is /token) or of a backend's session cookie", rule: "RFC 6265 §5.1.4",
                  accepts: "a path starting with /, such as /token or /", values: ["/token", "/"],
                  get: { $0.cookiePath },
                  set: { policy, text in
                      guard text.hasPrefix("/"), text.count <= 64, !text.contains(where: { $0 == ";" || $0.isWhitespace }) else { return false }
                      policy.cookiePath = text
                      return true
                  }),
        .choice("client.architecture", \.architecture,
                "browser: the page is the OAuth client; token-mediating: a backend gets the tokens, keeps the refresh token, hands the page the access token; bff: a backend keeps both and calls the API for the page",
                rule: "browser-based-apps BCP §6.1, §6.2, §6.3"),
    ]

    public static func named(_ name: String) -> PolicyKey? { all.first(where: { $0.name == name }) }
}

extension Policy {
    /// Keys whose values differ between two policies, in catalog order.
    public func differences(from other: Policy) -> [(key: PolicyKey, mine: String, theirs: String)] {
        PolicyKey.all.compactMap { key in
            let mine = key.value(in: self), theirs = key.value(in: other)
            return mine == theirs ? nil : (key, mine, theirs)
        }
    }

    /// The policy as ordered `key: value` pairs, for trace headers.
    public var settings: [(String, String)] { PolicyKey.all.map { ($0.name, $0.value(in: self)) } }
}

extension Policy {
    /// A token cookie, or a backend's session cookie.
    var usesCookie: Bool { accessStorage == .cookie || refreshStorage == .cookie || hasBackend }

    /// Why a setting has no effect under the architecture in force, or nil
    /// when it applies: `policy` shows it and `set` says it, so nothing is
    /// silently ignored (the backend holds what the page would have held).
    public func notApplying(_ key: String) -> String? {
        switch (architecture, key) {
        case (.bff, "storage"), (.bff, "storage.access"), (.bff, "storage.refresh"):
            "not under bff: the page holds no tokens, only the backend's session cookie"
        case (.tokenMediating, "storage.refresh"):
            "not under token-mediating: the backend keeps the refresh token"
        case (.bff, "client.token_in_query"):
            "not under bff: the page sends no token; the backend calls the API"
        default: nil
        }
    }

    /// What is weak about a setting's current value, or nil when it is the
    /// safe choice: `policy` shows which settings an attack can lean on.
    public func risk(of key: String) -> String? {
        switch key {
        case "login.flow": loginFlow == .password ? "deprecated: the app handles the user's password" : nil
        case "login.pkce": loginFlow == .code && pkce == .off ? "a stolen authorization code can be redeemed" : nil
        case "access.ttl": accessTTL > .minutes(15) ? "stolen access tokens live long" : nil
        case "refresh.ttl": refreshTTL > .days(30) ? "sessions last for months" : nil
        case "refresh.rotation": rotation ? nil : "a stolen refresh token stays valid"
        case "refresh.reuse_detection": reuseDetection || !rotation ? nil : "theft of a rotated token goes unnoticed"
        case "refresh.grace": reuseGrace > .seconds(30) ? "a wide window for replaying the previous token" : nil
        case "logout.revoke": revokeOnLogout ? nil : "logout leaves the refresh token valid"
        case "check.iss": checksIssuer ? nil : "tokens from any issuer"
        case "check.aud": checksAudience ? nil : "tokens meant for other APIs accepted"
        case "check.typ": checksType ? nil : "ID tokens and other JWTs accepted as access tokens"
        case "algs": allowedAlgorithms.contains("none") ? "unsigned tokens (alg none) accepted" : nil
        case "keys.per_alg": keysPerAlgorithm ? nil : "an RSA public key can be used as an HMAC secret (key confusion)"
        case "leeway": leeway > .minutes(5) ? "expired tokens accepted for long" : nil
        case "storage", "storage.access", "storage.refresh":
            [accessStorage, refreshStorage].contains(where: { $0 == .localStorage || $0 == .sessionStorage })
                ? "script (XSS) can read the tokens" : nil
        case "cookie.httponly": usesCookie && !cookieHttpOnly ? "script (XSS) can read the cookie" : nil
        case "cookie.secure": usesCookie && !cookieSecure ? "the cookie crosses plain links" : nil
        case "cookie.samesite":
            !usesCookie || cookieSameSite != .none ? nil
                : cookieSecure ? "cross-site requests carry the cookie (CSRF)" : "browsers ignore a SameSite=None cookie without Secure"
        case "keys.secret": secretStrength == .weak ? "the HS256 secret is a word: one token cracks it offline" : nil
        case "client.architecture":
            switch architecture {
            case .browser: nil
            case .tokenMediating: "XSS can read the access token the page holds (BCP §6.2.4.1)"
            case .bff: nil
            }
        case "tls": tls ? nil : "a sniffer sees every token"
        case "client.token_in_query": tokenInQuery ? "tokens land in server and proxy logs" : nil
        default: nil
        }
    }
}
