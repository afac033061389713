/// The attack catalog: each entry a named story run into the current world
/// through the ordinary command language, so the world, not the attack,
/// decides what happens. Rounds alternate attacker and victim for an hour.
public struct AttackScenario: Sendable {
    public let name: String
    public let summary: String
    public let rules: String
    /// Commands of one round; `V` stands for the victim. The first round runs
    /// at once, the next ones 10 minutes apart.
    let opening: [String]
    let round: [String]
    public static let rounds = 6
    public static let roundLength = "10m"

    public func lines(victim: String) -> [String] {
        func fill(_ line: String) -> String {
            line.split(separator: " ", omittingEmptySubsequences: false).map { word in
                word == "V" ? victim : word.hasPrefix("V.") ? victim + word.dropFirst() : String(word)
            }.joined(separator: " ")
        }
        var lines = opening.map(fill)
        for number in 0..<AttackScenario.rounds {
            if number > 0 { lines.append("advance \(AttackScenario.roundLength)") }
            lines += round.map(fill)
        }
        return lines
    }

    static let attackerUses = ["as mallory call GET /orders", "as mallory call GET /admin"]
    static let victimUses = ["call V GET /orders"]

    public static let catalog: [AttackScenario] = [
        AttackScenario(name: "xss-once", summary: "injected script reads the tokens once; mallory uses them, the victim carries on",
                       rules: "browser-based-apps BCP §5.1.1, RFC 9700 §4.14.2",
                       opening: ["steal all from V via xss"], round: attackerUses + victimUses),
        AttackScenario(name: "xss-persistent", summary: "the script stays: after each of the victim's refreshes it takes the newest tokens, so rotation never sees a reuse",
                       rules: "browser-based-apps BCP §5.1.2",
                       opening: ["steal all from V via xss"], round: victimUses + ["steal all from V via xss", "as mallory call GET /orders"]),
        AttackScenario(name: "xss-silent-login", summary: "the script runs a fresh silent login and keeps a new token family the app never sees",
                       rules: "browser-based-apps BCP §5.1.3",
                       opening: ["steal all from V via silent"], round: attackerUses + victimUses),
        AttackScenario(name: "xss-proxy", summary: "the script sends requests from the victim's browser, cookies and all, stealing nothing",
                       rules: "browser-based-apps BCP §5.1.4",
                       opening: [], round: ["ride V GET /orders", "ride V GET /admin"] + victimUses),
        AttackScenario(name: "xss-refresh-via-cookie", summary: "the script cannot read a refresh cookie, but posts a refresh from the page (the cookie rides) and reads the new access token",
                       rules: "browser-based-apps BCP §5.1.3, §6.3.3.4, RFC 9700 §4.14.2",
                       opening: ["steal refresh from V via xss"], round: ["ride V refresh", "as mallory call GET /orders"] + victimUses),
        AttackScenario(name: "csrf-token-endpoint", summary: "a page on another site posts to the token endpoint: only a refresh cookie rides, as SameSite allows, and CORS hides the answer",
                       rules: "draft-ietf-httpbis-rfc6265bis §4.1.2.7, §5.6.7, browser-based-apps BCP §5.1",
                       opening: [], round: ["csrf V POST /token"] + victimUses),
        AttackScenario(name: "csrf", summary: "a page on another site makes the victim's browser place orders",
                       rules: "RFC 6750 §5.3, draft-ietf-httpbis-rfc6265bis §5.6.7", opening: [], round: ["csrf V POST /orders"] + victimUses),
        AttackScenario(name: "sniff", summary: "a sniffer on the victim's link takes whatever crosses it",
                       rules: "RFC 6749 §10.3, RFC 6750 §5.3", opening: ["steal all from V via sniff"], round: attackerUses + victimUses),
        AttackScenario(name: "logs", summary: "tokens sent in URLs land in logs the attacker reads",
                       rules: "RFC 6750 §2.3, §5.3", opening: ["steal access from V via logs"], round: attackerUses + victimUses),
        AttackScenario(name: "code-theft", summary: "a malicious app catches the login's redirect and redeems the code without the verifier",
                       rules: "RFC 7636 §1, §4.6, RFC 9700 §2.1.1",
                       opening: ["steal code from V via intercept", "as mallory redeem"], round: attackerUses + victimUses),
        AttackScenario(name: "code-replay", summary: "a code the victim already redeemed, read from a log and presented again",
                       rules: "RFC 6749 §4.1.2, RFC 6819 §4.4.1.1",
                       opening: ["steal code from V via logs", "as mallory redeem"], round: attackerUses + victimUses),
        AttackScenario(name: "expired-replay", summary: "a stolen access token replayed just after it expired, against the API's leeway",
                       rules: "RFC 7519 §4.1.4", opening: ["steal access from V via xss", "advance until V.access expires", "advance 1m"],
                       round: ["as mallory call GET /orders"]),
        AttackScenario(name: "device", summary: "the victim's unlocked device: whatever the browser profile holds",
                       rules: "RFC 6819 §4.1.2, §4.1.3", opening: ["steal all from V via device"], round: attackerUses + victimUses),
        AttackScenario(name: "insider", summary: "an insider reads the auth server's refresh-token table: hashes only",
                       rules: "RFC 6819 §5.1.4.1.3", opening: ["steal all from V via insider"], round: attackerUses + victimUses),
        AttackScenario(name: "forge-tamper", summary: "role=admin written into a genuine token, old signature kept",
                       rules: "RFC 7515 §5.2", opening: ["forge tamper from V"], round: attackerUses),
        AttackScenario(name: "forge-alg-none", summary: "alg none, no signature, role admin",
                       rules: "RFC 8725 §2.1, §3.1", opening: ["forge none from V"], round: attackerUses),
        AttackScenario(name: "forge-alg-None", summary: "alg \"None\": a case variant of alg none",
                       rules: "RFC 7515 §4.1.1, RFC 8725 §3.1", opening: ["forge None from V"], round: attackerUses),
        AttackScenario(name: "wrong-audience", summary: "a genuine token for another API, replayed at this one",
                       rules: "RFC 9068 §4, RFC 8725 §3.9", opening: ["forge audience from V"], round: attackerUses),
        AttackScenario(name: "id-token", summary: "a genuine ID token presented as an access token",
                       rules: "RFC 9068 §4, RFC 8725 §3.11", opening: ["forge idtoken from V"], round: attackerUses),
        AttackScenario(name: "key-leak", summary: "the HS256 signing secret stolen: admin tokens that verify",
                       rules: "RFC 7515 §10.2, RFC 7517 §4.5", opening: ["forge keyleak from V"], round: attackerUses),
        AttackScenario(name: "key-confusion", summary: "RS256→HS256: an HMAC keyed with the published RSA public key",
                       rules: "RFC 8725 §2.1, §3.1", opening: ["forge confusion from V"], round: attackerUses),
        AttackScenario(name: "race-two-tabs", summary: "no attacker: a second tab opens and both tabs refresh at once, each with the refresh token it can read",
                       rules: "RFC 9700 §4.14.2 (no grace in the RFC), browser-based-apps BCP §8.5", opening: ["open V", "race tabs V"], round: victimUses),
        AttackScenario(name: "race-logout", summary: "no attacker: a refresh in flight when the user logs out",
                       rules: "RFC 7009 §2.1, §3", opening: ["race logout V"], round: victimUses),
        AttackScenario(name: "race-lost-response", summary: "no attacker: the refresh response is lost, the client retries with the old token",
                       rules: "RFC 9700 §4.14.2 (no grace in the RFC)", opening: ["race lost V", "refresh V"], round: victimUses),
    ]

    public static func named(_ name: String) -> AttackScenario? { catalog.first(where: { $0.name == name }) }

    /// A paragraph for `attacks NAME`: what the attacker can do, what the
    /// world lets it reach, and which defences answer it.
    public var explanation: String {
        switch name {
        case "xss-once": "Injected script runs once in the victim's page and reads whatever script can read: tokens in memory or localStorage, never an HttpOnly cookie. Mallory then uses them from her own machine. Short access tokens limit the stolen access token; refresh rotation with reuse detection ends the stolen refresh token as soon as victim and attacker both use the family, at the price of logging the victim out (RFC 9700 §4.14.2, browser-based-apps BCP §5.1.1)."
        case "xss-persistent": "The script stays in the page and, after each of the victim's refreshes, takes the newest tokens. Mallory only ever uses fresh material, so rotation never sees a reused token: detection cannot help against a persistent foothold (BCP §5.1.2). Keeping tokens out of script's reach (HttpOnly cookies, a backend-for-frontend) takes them out of this attack, though the script can still ride the session or the refresh endpoint (xss-proxy, xss-refresh-via-cookie). Binding them to a key (DPoP) stops copies used without proofs; this model's script makes no proofs for mallory, which a real one can while the page is open, and without a server nonce ahead of time (RFC 9449 §11.2, §11.4)."
        case "xss-silent-login": "The script starts a fresh silent login in a hidden frame, using the victim's live session at the auth server, and keeps the new tokens: a family the app never sees, so rotation, the app's logout, HttpOnly storage and DPoP (the script binds the tokens to its own key) do not touch it (BCP §5.1.3)."
        case "xss-proxy": "The script steals nothing: it sends requests from the victim's own browser, which attaches whatever credentials it has, cookies included and DPoP proofs made with the page's key. Every defence that protects tokens at rest is beside the point; only preventing XSS is not (BCP §5.1.4, RFC 9449 §11.4)."
        case "xss-refresh-via-cookie": "The refresh token sits in an HttpOnly cookie, so the script cannot read it; but the script runs in the app's page and can do what the app does: post a refresh request to the token endpoint, the cookie riding along, and read the new access token from the JSON body (the auth server's CORS rules allow the app's origin). Stealing the refresh token is stopped; obtaining fresh access tokens, for as long as the page is open, is not (browser-based-apps BCP §5.1.3; CORS: §6.3.3.4). The rotated cookie lands in the browser's jar, so the app's next refresh carries it and reuse detection sees nothing; where the app keeps the refresh token itself (localStorage), the script's refresh rotates it behind the app's back and the app's next refresh trips reuse detection, logging the victim out (RFC 9700 §4.14.2)."
        case "csrf-token-endpoint": "A page on another site makes the victim's browser post to the token endpoint. Only a refresh token kept in a cookie can ride, and only when SameSite lets it onto a cross-site POST (None; Strict and Lax never). Even then the auth server answers with CORS headers for the app's origin alone, so mallory's page cannot read the response: the new access token reaches no one, and the rotated cookie lands in the victim's jar. A refresh token the app sends in the request body never rides (draft-ietf-httpbis-rfc6265bis §4.1.2.7, §5.6.7; browser-based-apps BCP §5.1)."
        case "csrf": "A page on another site makes the victim's browser send a request. Only a cookie can ride along, and only when SameSite allows it (Strict never, Lax only for top-level GETs); tokens the app sends in a header never do (RFC 6749 §10.12, draft-ietf-httpbis-rfc6265bis §5.6.7)."
        case "sniff": "A sniffer on a plain link sees every token that crosses it; with TLS it sees ciphertext, and a Secure cookie never crosses a plain link (RFC 6749 §10.3, RFC 6750 §5.3)."
        case "logs": "Access tokens sent as ?access_token= end up in server and proxy logs that more people can read. The client here sends them in a header unless client.token_in_query is on (RFC 6750 §2.3, §5.3; RFC 6819 §4.6.7)."
        case "code-theft": "A malicious app registered for the redirect URI catches the redirect of the victim's next login, code and all, so the victim's browser never redeems it (RFC 7636 §1). With PKCE the code is bound to a verifier that never left the victim's browser, and a token request without it is refused with invalid_grant (RFC 7636 §4.6); with login.pkce off the code alone buys mallory a token family of her own in the victim's name. RFC 9700 §2.1.1 makes PKCE the defence against such misuse of authorization codes."
        case "code-replay": "The code rides in the callback URL, so it lands in access logs (RFC 6819 §4.4.1.1). By the time mallory reads it the victim's browser has redeemed it, and a code is single use: the second request is refused, and the auth server revokes the grant issued from it (RFC 6749 §4.1.2); the access token already out stays valid until it expires unless the server can revoke access tokens (a denylist). Reuse is checked before PKCE, so even a replay without the verifier costs the victim her session: the price of that SHOULD."
        case "expired-replay": "A stolen access token replayed just after its exp: a generous leeway for clock skew keeps it working a while longer (RFC 7519 §4.1.4)."
        case "device": "The victim's unlocked device, browser profile and all: localStorage and cookies (HttpOnly or not) are there; tokens held only in memory are gone once the page is closed, as this story has it when the device is taken (an open page on an unlocked device would give them up too) (RFC 6819 §4.1.2, §4.1.3)."
        case "insider": "A malicious insider reads the auth server's refresh-token table: it holds SHA-256 hashes, and a hash cannot be presented as a token; access tokens are not stored at all (RFC 6819 §5.1.4.1.3)."
        case "forge-tamper": "Role and scope rewritten in a genuine token, the old signature kept: any verifier that checks the signature refuses it (RFC 7515 §5.2)."
        case "forge-alg-none", "forge-alg-None": "An unsigned token with alg none (or a case variant): accepted only by a verifier whose allow-list lets the header choose none (RFC 8725 §2.1, §3.1)."
        case "wrong-audience": "A genuine token minted for another API, replayed here: refused by an audience check, accepted without one (RFC 9068 §4, RFC 8725 §3.9)."
        case "id-token": "A genuine ID token presented as an access token: explicit typing (typ at+jwt) tells them apart (RFC 9068 §4, RFC 8725 §3.11)."
        case "key-leak": "The auth server's signing key stolen: forged admin tokens verify everywhere, even bound to the attacker's own DPoP key. A leak is of one key: her forgeries are signed with the key she got, so rotating the key and retiring the old one stops them (RFC 7517 §4.5); a secret that is a common word needs no leak, one token and a word list crack it offline (crack, keys.secret weak; RFC 8725 §3.5). With RS256 the lab key is published in RS256Key.swift, so retiring it cannot help: keys retire rsa1 is refused, and only leaving RS256 (set signing HS256) stops such forgeries."
        case "key-confusion": "With RS256 signing, a verifier that lets the header's alg pick how a key is used will check an HS256 token against the RSA public key's bytes as an HMAC secret; anyone can forge with the published key. Using each key only with its own algorithm stops it (RFC 8725 §2.1, §3.1)."
        case "race-two-tabs": "No attacker: the user opens a second tab and both tabs refresh at the same moment. Tabs share the browser's cookie jar and localStorage but not memory or sessionStorage (browser-based-apps BCP §8.5), so where the refresh token sits decides the story: in a cookie or localStorage both tabs present the same token, the second presentation is reuse and the family is revoked, unless a short grace for the immediately previous token absorbs the race; in memory or sessionStorage the new tab has no refresh token of its own and nothing races. A grace period is a common implementation practice, not a rule: RFC 9700 §4.14.2 invalidates the previous token at once."
        case "race-logout": "No attacker: a refresh still in flight when the user logs out. The family is revoked, yet the browser stores the new tokens, and the access token keeps working at an API that validates locally (RFC 7009 §2.1)."
        case "race-lost-response": "No attacker: the server rotated but the response was lost, so the client retries with the previous token. Within a grace period that is forgiven; after it, it is reuse. RFC 9700 §4.14.2 itself has no grace period; it is an implementation practice."
        default: summary
        }
    }
}
