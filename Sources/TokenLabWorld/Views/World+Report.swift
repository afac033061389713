import TokenLabCore

/// What one theft or forgery achieved, everything it led to included.
public struct AttackOutcome: Equatable, Sendable {
    public var origin: String
    /// When the theft or forgery happened.
    public var acquiredAt: VirtualTime?
    /// The last instant anything in the chain worked or would still work
    /// (expiry, revocation, rotation, key retirement); nil if it never could.
    public var usableUntil: VirtualTime?
    /// From theft to `usableUntil`: how long it was (or is) a danger.
    public var window: Duration? { usableUntil.flatMap { until in acquiredAt.map { until - $0 } } }
    public var firstSuccess: VirtualTime?
    public var lastSuccess: VirtualTime?
    public var apiRequests: Int
    public var refreshes: Int
    public var highestRole: String?
    /// What stopped it, with rules; or "nothing stopped it by …".
    public var stoppedBy: String
    public var stopped: Bool
}

extension World {
    /// One line on how long a material stays usable and what ends it.
    func stop(of material: AttackLog.Material) -> (stopped: Bool, text: String) {
        let usability = usability(of: material)
        guard let until = usability.until else {
            let what = usability.what.hasPrefix("never usable") ? usability.what : "never usable: " + usability.what
            return (true, "\(what) [\(usability.rule)]")
        }
        if usability.hasEnded { return (true, "usable until \(until.clockText): \(usability.what) [\(usability.rule)]") }
        return (false, "usable until \(until.clockText) unless stopped: \(usability.what) [\(usability.rule)]")
    }

    /// A short name for what stopped a piece of material, for tables.
    static func stopLabel(_ text: String) -> String {
        if let marker = text.firstRange(of: "inactive: ") {
            let inner = stopLabel(String(text[marker.upperBound...]))
            return inner == "refused" ? "introspection" : "introspection (\(inner))"
        }
        let labels: [(String, String)] = [
            ("nothing to copy", "no token to copy"), ("the backend keeps", "backend holds tokens"), ("holds none", "backend holds tokens"), ("no backend holds", "no backend"),
            ("client credentials", "client authentication"), ("invalid_client", "client authentication"),
            ("no code (password grant)", "no code (password grant)"), ("(PKCE", "PKCE"), ("single use", "single-use code"),
            ("code already used", "single-use code"), ("redirect_uri", "redirect URI check"),
            ("HttpOnly", "HttpOnly cookie"), ("link is TLS", "TLS"), ("Secure cookie", "Secure cookie"),
            ("in URLs", "no tokens in URLs"), ("in a URL", "no tokens in URLs"), ("SHA-256 hashes", "hashed storage"), ("no table of access tokens", "nothing stored"),
            ("only in memory", "memory storage"), ("SameSite", "SameSite cookie"), ("in a header", "header, not cookie"), ("in the request body", "body, not cookie"), ("CORS", "CORS"),
            ("reuse detected", "reuse detection"), ("(logout)", "logout"), ("(admin)", "admin revocation"), ("(password change)", "password change"), ("denylist", "denylist"), ("retired", "key retirement"),
            ("inactive", "introspection"), ("family was revoked", "family revoked"), ("rotated", "rotation"),
            ("another key", "proof of possession"), ("invalid_dpop_proof", "proof of possession"),
            ("no word of", "strong secret"), ("no shared secret", "no shared secret"), ("does not verify", "signature check"), ("unknown kid", "unknown key (kid)"), ("one key, one algorithm", "key per algorithm"), ("alg ", "alg check"), ("audience", "aud check"), ("typ", "typ check"),
            ("issuer", "iss check"), ("expired", "expiry"), ("expiry", "expiry"), ("was revoked", "revocation"), ("family revoked", "revocation"), ("no token", "no token held"), ("session ended", "session ended"),
        ]
        return labels.first(where: { text.contains($0.0) })?.1 ?? "refused"
    }

    /// One outcome per theft or forgery (a chain of material), in order.
    public func attackOutcomes() -> [AttackOutcome] {
        let materials = attackLog.materials
        let blocked = attackLog.blocked.map { attempt in
            AttackOutcome(origin: "\(attempt.action) at \(attempt.at.clockText): got nothing", acquiredAt: attempt.at, usableUntil: nil,
                          firstSuccess: nil, lastSuccess: nil, apiRequests: 0, refreshes: 0, highestRole: nil,
                          stoppedBy: "stopped: \(attempt.why) [\(attempt.rule)]", stopped: true)
        }
        return blocked + materials.indices.filter { materials[$0].root == $0 }.map { root in
            let chain = materials.filter { $0.root == root }
            let usabilities = chain.map { usability(of: $0) }
            let api = chain.reduce(0) { $0 + $1.uses.filter { !$0.what.hasPrefix("POST /token") }.reduce(0) { $0 + $1.count } }
            let refreshes = chain.reduce(0) { $0 + $1.uses.filter { $0.what.hasPrefix("POST /token") }.reduce(0) { $0 + $1.count } }
            let roles = chain.compactMap(\.highestRole)
            let stopped = usabilities.allSatisfy(\.hasEnded)
            var reasons: [String] = [], labels: [String] = []
            for usability in usabilities where usability.hasEnded {
                let label = World.stopLabel(usability.what)
                // One entry per kind of stop, with the rule of its first occurrence.
                if !labels.contains(label) {
                    labels.append(label)
                    reasons.append("\(label) [\(usability.rule)]")
                }
            }
            let until = usabilities.compactMap(\.until).max()
            return AttackOutcome(
                origin: "\(materials[root].id) \(materials[root].origin) at \(materials[root].acquiredAt.clockText)",
                acquiredAt: materials[root].acquiredAt, usableUntil: until,
                firstSuccess: chain.compactMap(\.firstSuccess).min(), lastSuccess: chain.compactMap(\.lastSuccess).max(),
                apiRequests: api, refreshes: refreshes, highestRole: roles.contains("admin") ? "admin" : roles.first,
                stoppedBy: stopped ? "stopped: " + reasons.joined(separator: "; ")
                    : "nothing stopped it by \(now.clockText)" + (until.map { "; usable until \($0.clockText)" } ?? ""),
                stopped: stopped)
        }
    }

    /// `report`: what each attack achieved, material by material, and what the victims paid.
    func reportLines() -> [String] {
        guard !attackLog.isEmpty || !knowledge.keys.isEmpty else { return ["no attacks yet (steal, forge, ride or attack NAME start one)"] }
        var lines = ["what the attacks achieved, at \(now.clockText):"]
        let materials = attackLog.materials
        let blocked = attackLog.blocked.count
        for (number, outcome) in attackOutcomes().enumerated() {
            lines.append("\(number + 1). \(outcome.origin)")
            guard number >= blocked else {
                lines.append("   → \(outcome.stoppedBy)")
                continue
            }
            let root = materials.indices.filter { materials[$0].root == $0 }[number - blocked]
            for material in materials where material.root == root {
                var text = "   \(material.id) (\(material.kind)): "
                if material.successes == 0 {
                    text += "never worked"
                } else {
                    let uses = material.uses.map { "\($0.what) ×\($0.count)" }.joined(separator: ", ")
                    text += "\(material.successes) ok (\(uses))"
                    if let first = material.firstSuccess, let last = material.lastSuccess { text += " \(first.clockText)–\(last.clockText)" }
                    if let role = material.highestRole { text += ", role \(role)" }
                }
                if !material.derived.isEmpty { text += "; led to \(material.derived.joined(separator: " "))" }
                lines.append(text)
                lines.append("      " + stop(of: material).text)
            }
            let window = outcome.window.map { "window \($0.text), from the theft to \(outcome.usableUntil?.clockText ?? "-")" } ?? "never usable"
            let used = outcome.lastSuccess.map { "last success \($0.clockText)" } ?? "never used successfully"
            lines.append("   → \(window); \(used)")
            let requests = outcome.apiRequests == 1 ? "1 API request" : "\(outcome.apiRequests) API requests"
            let refreshes = outcome.refreshes == 1 ? "1 refresh" : "\(outcome.refreshes) refreshes"
            lines.append("   → \(requests), \(refreshes); highest role \(outcome.highestRole ?? "none")")
            lines.append("   → \(outcome.stoppedBy)")
        }
        for cost in attackLog.costs { lines.append("cost to the victim: \(cost)") }
        return lines + knowledgeLines()
    }
}
