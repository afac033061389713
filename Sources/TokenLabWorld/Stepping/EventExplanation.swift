/// One line under each event while stepping: what it means for the tokens.
/// Derived only from the event's own values (parties, action, status,
/// outcome, tokens, minted ids), so it can say nothing the event does not;
/// an event of a shape it does not know is restated plainly.
public enum EventExplanation {
    /// How an explanation line starts: under the event's action, after its clock.
    static let lead = String(repeating: " ", count: 14) + "↳ "

    /// `items` with an explanation after each event (and after the
    /// WWW-Authenticate line that belongs to it).
    static func explained(_ items: [OutputItem]) -> [OutputItem] {
        var out: [OutputItem] = []
        var pending: String?
        for item in items {
            if case .event(let event) = item {
                if let pending { out.append(.text(lead + pending)) }
                pending = text(for: event)
                out.append(item)
            } else if case .text(let line) = item, pending != nil, line.hasPrefix(String(repeating: " ", count: 14) + "WWW-Authenticate:") {
                out.append(item)
            } else {
                if let pending { out.append(.text(lead + pending)) }
                pending = nil
                out.append(item)
            }
        }
        if let pending { out.append(.text(lead + pending)) }
        return out
    }

    public static func text(for event: TraceEvent) -> String {
        switch event.kind {
        case .request: request(event)
        case .security: security(event)
        case .client: client(event)
        }
    }

    // MARK: Requests

    private static func request(_ event: TraceEvent) -> String {
        let who = party(event.from)
        let reason = refusal(event)
        switch event.to {
        case "api"?:
            let token = event.tokens.first
            let sender = event.action.contains("(sent by mallory's script)") ? "mallory's script in \(who)"
                : event.action.contains("(cross-site, from mallory's page)") ? "mallory's page, through \(who)," : who
            guard let status = event.status else { return restated(event) }
            if status == 200 {
                let data = String(event.outcome.dropFirst(4))
                return "the API accepted \(token ?? "the request"): \(sender) got \(data.isEmpty ? "its answer" : data)"
            }
            guard let token else { return "the API refused: the request carried no access token" }
            // A 403 comes only after the token was validated: it lacks the scope or role.
            if status == 403 { return "the API found \(token) valid but refused it here (\(reason)): it lacks the rights" }
            return "the API refused \(token) (\(reason)): no data for \(sender)"
        case "auth"?:
            if event.action.hasPrefix("POST /introspect") {
                let token = event.tokens.first ?? "the token"
                if event.outcome.hasPrefix("200 active: true") { return "the auth server told the API that \(token) is active" }
                if event.outcome.hasPrefix("200 active: false") { return "the auth server told the API that \(token) is not active: it is refused" }
                return restated(event)
            }
            if event.action.hasPrefix("GET /authorize") {
                guard event.status == 302, let code = event.tokens.first else { return "the auth server issued no code (\(reason))" }
                return "the auth server issued one-time code \(code) in the redirect: whoever redeems it gets tokens, if PKCE lets them"
            }
            if event.action.contains("(logout)") || event.action.hasPrefix("POST /revoke") {
                let notes = event.outcome.dropFirst(4).split(separator: ";").map { revocation(String($0.drop(while: { $0 == " " }))) }
                return (event.action.contains("(logout)") ? "\(who) logged out: " : "revocation: ") + notes.joined(separator: "; ")
            }
            if event.action.contains("/token") { return tokenEndpoint(event, who: who, reason: reason) }
            return restated(event)
        default:
            return restated(event)
        }
    }

    private static func tokenEndpoint(_ event: TraceEvent, who: String, reason: String) -> String {
        let presented = presentedRefreshToken(event.action)
        guard event.status == 200 else {
            let token = presented ?? event.tokens.first ?? "the request"
            if reason.contains("refresh token reuse detected") {
                let family = familyID(in: reason).map { ", family \($0) revoked" } ?? ""
                return "the auth server saw \(token) a second time: reuse\(family); no new tokens"
            }
            return "the auth server refused \(token) (\(reason)): no new tokens"
        }
        let minted = event.minted.map(\.id)
        let access = minted.first { $0.hasPrefix("at") }
        let refresh = minted.first { $0.hasPrefix("rt") }
        let family = familyID(in: event.outcome).map { " in family \($0)" } ?? ""
        let got = [access.map { "access token \($0)" }, refresh.map { "refresh token \($0)" }].compactMap { $0 }.joined(separator: " and ")
        var line: String
        if event.action.contains("authorization_code") {
            let code = event.tokens.first(where: { $0.hasPrefix("c") }) ?? codeID(in: event.action) ?? "its code"
            let verifier = event.action.contains("no verifier") ? " without a PKCE verifier" : ""
            line = "\(who) redeemed \(code)\(verifier) for \(got)\(family)"
        } else if let presented {
            if event.outcome.contains("(\(presented) rotated)") {
                line = "\(who) swapped \(presented) for \(got)\(family); rotation retires \(presented)"
            } else {
                line = "\(who) used \(presented) for \(got)\(family); with no rotation \(presented) stays usable"
            }
        } else {
            line = "the auth server issued \(got)\(family) to \(who)"
        }
        if event.outcome.contains("accepted within refresh.grace") { line += " (a repeat inside the grace period)" }
        return line
    }

    /// One note of a revocation or logout answer, said for the tokens.
    private static func revocation(_ note: String) -> String {
        let words = note.split(separator: " ").map(String.init)
        if note.hasPrefix("family "), note.hasSuffix(" revoked"), words.count == 3 { return "refresh tokens of \(words[1]) stop working" }
        if note.hasSuffix("stays valid until it expires"), let token = words.first { return "\(token) keeps working until it expires" }
        if note.contains(" denylisted (jti"), let token = words.first { return "the API refuses \(token) from now on (denylist)" }
        if note.hasPrefix("jti "), note.hasSuffix(" denylisted") { return "that access token is refused from now on (denylist)" }
        if note.hasSuffix("stays valid (logout.revoke off)"), let token = words.first { return "\(token) keeps working: logout does not revoke" }
        if note.hasPrefix("nothing") { return "nothing was revoked" }
        if note == "Set-Cookie clears the refresh cookie" { return "the browser's refresh cookie is cleared" }
        return note
    }

    // MARK: Security and clients

    private static func security(_ event: TraceEvent) -> String {
        let outcome = event.outcome
        if event.from == "auth" {
            if event.action.hasPrefix("reuse of "), let token = event.tokens.first {
                let family = event.tokens.first(where: { $0.hasPrefix("fam") }) ?? "its family"
                return "the auth server revoked \(family) for the reuse of \(token): every refresh token in it is refused from now on"
            }
            if event.action.hasSuffix(" presented twice"), let code = event.tokens.first {
                let family = event.tokens.first(where: { $0.hasPrefix("fam") }) ?? "its family"
                return "code \(code) was presented a second time: the auth server revoked \(family), issued from it"
            }
            if event.action.hasPrefix("keys retire") { return "every token signed with that key now fails verification, forged ones too" }
            if outcome.hasPrefix("new tokens are signed with") { return "a new signing key: tokens signed with the older keys still verify" }
            return "the auth server: " + outcome
        }
        let actor = party(event.from)
        if outcome.hasPrefix("nothing") {
            let why = outcome.dropFirst("nothing".count).drop(while: { $0 == ":" || $0 == " " })
            return "\(actor) gained nothing" + (why.isEmpty ? "" : ": " + why)
        }
        if outcome.hasPrefix("got ") {
            let held = event.tokens.isEmpty ? "it" : event.tokens.joined(separator: " and ")
            let use: String
            if let code = event.tokens.first(where: { $0.hasPrefix("c") }), event.tokens.count == 1 {
                use = "she can try to redeem \(code) (PKCE decides)"
            } else if let refresh = event.tokens.first(where: { $0.hasPrefix("rt") }) {
                use = "she can refresh with \(refresh) until it is rotated away, revoked or expired"
            } else if let access = event.tokens.first(where: { $0.hasPrefix("at") || $0.hasPrefix("ft") }) {
                use = "she can call the API with \(access) until it expires or is refused"
            } else {
                use = "she can present what she took as its owner would"
            }
            return "\(actor) now holds \(held): \(use)"
        }
        if outcome.hasPrefix("made "), let forged = event.tokens.last {
            return "\(actor) now holds a forged token \(forged): the API's checks decide whether it is accepted"
        }
        if outcome.hasPrefix("found the secret") { return "\(actor) knows the signing secret: tokens she signs verify like the auth server's" }
        return "\(actor): " + outcome
    }

    private static func client(_ event: TraceEvent) -> String {
        let who = party(event.from)
        let action = event.action
        if action.hasPrefix("got 401") { return "\(who) will present \(its(event.from)) refresh token for a new access token, then retry once" }
        if action.hasPrefix("refresh refused: drops its tokens") { return "\(who) dropped its tokens: its user is logged out" }
        if action.hasPrefix("refresh refused: she keeps") { return "the refresh failed; \(who) keeps every token she has" }
        if action.hasSuffix("by its own clock: refreshes first"), let token = event.tokens.first {
            return "\(who) saw \(token) is near or past its expiry and refreshes before calling"
        }
        if event.outcome.hasPrefix("refused step: ") {
            return "nothing was sent: " + event.outcome.dropFirst("refused step: ".count)
        }
        if action == "reload" { return event.tokens.isEmpty ? "nothing was lost" : "\(who) lost \(event.tokens.joined(separator: " and ")): they lived in the page's memory" }
        if action.hasPrefix("the response never arrives") { return "\(who) never hears the answer and keeps \(its(event.from)) old tokens, whatever the server did" }
        if action.hasPrefix("ignores the Set-Cookie"), let token = event.tokens.first { return "\(who) did not store \(token): it has no refresh token now" }
        return "\(who): " + ([action, event.outcome].filter { !$0.isEmpty }.joined(separator: ": "))
    }

    // MARK: Pieces

    /// The attacker is a person; browsers and servers are things.
    static func its(_ name: String) -> String { name == World.attacker ? "her" : "its" }

    /// `alice.browser` is alice's browser; `auth` the auth server; `api` the API.
    static func party(_ name: String) -> String {
        switch name {
        case "auth": return "the auth server"
        case "api": return "the API"
        default:
            let parts = name.split(separator: ".", maxSplits: 1)
            return parts.count == 2 ? "\(parts[0])'s \(parts[1])" : name
        }
    }

    /// What follows the status in a refusal: `invalid_grant: ...`.
    private static func refusal(_ event: TraceEvent) -> String {
        guard let status = event.status, event.outcome.hasPrefix("\(status) ") else { return event.outcome }
        return String(event.outcome.dropFirst("\(status) ".count))
    }

    /// `rt1` in `POST /token refresh_token rt1` or `POST /token refresh (Cookie rt1)`.
    private static func presentedRefreshToken(_ action: String) -> String? {
        let words = action.split(separator: " ").map(String.init)
        if let at = words.firstIndex(of: "refresh_token"), at + 1 < words.count { return words[at + 1] }
        if let at = words.firstIndex(of: "(Cookie"), at + 1 < words.count { return String(words[at + 1].prefix(while: { $0 != ")" })) }
        return nil
    }

    private static func familyID(in text: String) -> String? {
        text.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "," || $0 == ")" || $0 == "(" })
            .first { $0.hasPrefix("fam") && $0.dropFirst(3).allSatisfy(\.isNumber) && $0.count > 3 }.map(String.init)
    }

    private static func codeID(in text: String) -> String? {
        text.split(whereSeparator: { $0 == " " || $0 == "," })
            .first { $0.hasPrefix("c") && $0.count > 1 && $0.dropFirst().allSatisfy(\.isNumber) }.map(String.init)
    }

    private static func restated(_ event: TraceEvent) -> String {
        party(event.from) + ": " + [event.action, event.outcome].filter { !$0.isEmpty }.joined(separator: ", ")
    }
}
