import TokenLabCore

/// What one theft or forgery achieved, everything it led to included.
public struct AttackOutcome: Equatable, Sendable {
    public var origin: String
    /// From theft to the last successful use; nil if it never worked.
    public var window: Duration?
    public var lastSuccess: VirtualTime?
    public var apiRequests: Int
    public var refreshes: Int
    public var highestRole: String?
    /// What stopped it, with rules; or "nothing stopped it by …".
    public var stoppedBy: String
    public var stopped: Bool
}

extension World {
    /// Whether a material is still usable now and, if not, why.
    func stop(of material: AttackLog.Material) -> (stopped: Bool, text: String) {
        if let refusal = material.stoppingRefusal {
            return (true, "\(refusal.reason) at \(refusal.at.clockText) [\(refusal.rule)]")
        }
        guard let token = material.token else {
            let index = clients.firstIndex(where: { $0.user == material.victim })
            let alive = index.map { clients[$0].access != nil || clients[$0].refresh != nil } ?? false
            return alive ? (false, "nothing stopped it by \(now.clockText): the session is still open")
                         : (true, "the victim's session ended (logout or refusal)")
        }
        if material.kind == "refresh" {
            let state = auth.refreshState(of: token, now: now)
            switch state {
            case .valid: return (false, "nothing stopped it by \(now.clockText)")
            case .rotated: return (true, "rotated: the next use would be refused [RFC 9700 §4.14.2]")
            case .revoked:
                let family = ledger.entry(value: token)?.family ?? -1
                let reason = family >= 0 ? auth.families[family].revoked?.reason ?? "" : ""
                return reason == "reuse detected"
                    ? (true, "its family was revoked: reuse detected [RFC 9700 §4.14.2]")
                    : (true, "its family was revoked (\(reason)) [RFC 7009 §2.1]")
            case .expired, .unknown: return (true, "expired [RFC 6749 §5.2]")
            }
        }
        switch api.validateLocally(token, now: now, auth: auth) {
        case .accepted:
            let until = ledger.entry(value: token).map { " (usable until \(($0.expiresAt + policy.leeway).clockText))" } ?? ""
            return (false, "nothing stopped it by \(now.clockText)\(until)")
        case .refused(let response):
            return (true, "refused now: \(response.summary) [\(response.rule ?? "")]")
        }
    }

    /// A short name for what stopped a piece of material, for tables.
    static func stopLabel(_ text: String) -> String {
        if let marker = text.firstRange(of: "inactive: ") {
            let inner = stopLabel(String(text[marker.upperBound...]))
            return inner == "refused" ? "introspection" : "introspection (\(inner))"
        }
        let labels: [(String, String)] = [
            ("HttpOnly", "HttpOnly cookie"), ("link is TLS", "TLS"), ("Secure cookie", "Secure cookie"),
            ("in URLs", "no tokens in URLs"), ("in a URL", "no tokens in URLs"), ("SHA-256 hashes", "hashed storage"), ("no table of access tokens", "nothing stored"),
            ("only in memory", "memory storage"), ("SameSite", "SameSite cookie"), ("in a header", "header, not cookie"),
            ("reuse detected", "reuse detection"), ("(logout)", "logout"), ("denylist", "denylist"),
            ("inactive", "introspection"), ("family was revoked", "family revoked"), ("rotated", "rotation"),
            ("another key", "proof of possession"), ("invalid_dpop_proof", "proof of possession"),
            ("does not verify", "signature check"), ("unknown kid", "unknown key (kid)"), ("alg ", "alg check"), ("audience", "aud check"), ("typ", "typ check"),
            ("issuer", "iss check"), ("expired", "expiry"), ("was revoked", "revocation"), ("no token", "no token held"), ("session ended", "session ended"),
        ]
        return labels.first(where: { text.contains($0.0) })?.1 ?? "refused"
    }

    /// One outcome per theft or forgery (a chain of material), in order.
    public func attackOutcomes() -> [AttackOutcome] {
        let materials = attackLog.materials
        let blocked = attackLog.blocked.map { attempt in
            AttackOutcome(origin: "\(attempt.action) at \(attempt.at.clockText): got nothing", window: nil, lastSuccess: nil,
                          apiRequests: 0, refreshes: 0, highestRole: nil,
                          stoppedBy: "stopped: \(attempt.why) [\(attempt.rule)]", stopped: true)
        }
        return blocked + materials.indices.filter { materials[$0].root == $0 }.map { root in
            let chain = materials.filter { $0.root == root }
            let last = chain.compactMap(\.lastSuccess).max()
            let api = chain.reduce(0) { $0 + $1.uses.filter { !$0.what.hasPrefix("POST /token") }.reduce(0) { $0 + $1.count } }
            let refreshes = chain.reduce(0) { $0 + $1.uses.filter { $0.what.hasPrefix("POST /token") }.reduce(0) { $0 + $1.count } }
            let roles = chain.compactMap(\.highestRole)
            let stops = chain.map { stop(of: $0) }
            let stopped = stops.allSatisfy(\.stopped)
            var reasons: [String] = [], labels: [String] = []
            for stop in stops where stop.stopped {
                let rule = stop.text.split(separator: "[").last.map { " [" + $0 } ?? ""
                let label = World.stopLabel(stop.text)
                // One entry per kind of stop, with the rule of its first occurrence.
                if !labels.contains(label) {
                    labels.append(label)
                    reasons.append(label + rule)
                }
            }
            return AttackOutcome(
                origin: "\(materials[root].id) \(materials[root].origin) at \(materials[root].acquiredAt.clockText)",
                window: last.map { $0 - materials[root].acquiredAt }, lastSuccess: last,
                apiRequests: api, refreshes: refreshes, highestRole: roles.contains("admin") ? "admin" : roles.first,
                stoppedBy: stopped ? "stopped: " + reasons.joined(separator: "; ") : "nothing stopped it by \(now.clockText)",
                stopped: stopped)
        }
    }

    /// `report`: what each attack achieved, material by material, and what the victims paid.
    func reportLines() -> [String] {
        guard !attackLog.isEmpty else { return ["no attacks yet (steal, forge, ride or attack NAME start one)"] }
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
            let window = outcome.window.map { "exposure \($0.text) (to \(outcome.lastSuccess?.clockText ?? "-"))" } ?? "no successful use"
            lines.append("   → \(window); \(outcome.apiRequests) API requests, \(outcome.refreshes) refreshes; highest role \(outcome.highestRole ?? "none")")
            lines.append("   → \(outcome.stoppedBy)")
        }
        for cost in attackLog.costs { lines.append("cost to the victim: \(cost)") }
        return lines
    }
}
