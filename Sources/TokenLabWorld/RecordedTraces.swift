/// The recorded traces in Traces/: one per catalog attack, under the preset
/// where it teaches most, as a script `tokenlab traces regenerate` writes
/// (`attack-NAME.tl`) and the trace it records (`attack-NAME.jsonl`). The
/// script is the attack's own story, line by line, so stepping through the
/// trace steps through the attack; the narration says what to watch.
public enum RecordedTraces {
    public struct Choice: Sendable {
        public let attack: String
        public let preset: String
        /// What this preset shows about the attack.
        public let why: String
    }

    public static let choices: [Choice] = [
        Choice(attack: "xss-once", preset: "rotation", why: "reuse detection ends the stolen refresh token and logs alice out; the stolen access token lives on until it expires"),
        Choice(attack: "xss-persistent", preset: "rotation", why: "mallory only ever uses the newest tokens, so rotation never sees a reuse"),
        Choice(attack: "xss-silent-login", preset: "spa", why: "HttpOnly cookies and rotation do not touch a family the app never sees"),
        Choice(attack: "xss-proxy", preset: "spa", why: "nothing is stolen, yet the script's requests carry the cookie: HttpOnly does not help"),
        Choice(attack: "xss-refresh-via-cookie", preset: "spa", why: "script cannot read the refresh cookie, but a refresh posted from the page makes it ride"),
        Choice(attack: "csrf-token-endpoint", preset: "spa", why: "SameSite=Strict keeps the refresh cookie home, and CORS would hide the answer anyway"),
        Choice(attack: "csrf", preset: "bcp", why: "a cookie-held token rides a cross-site request only as SameSite allows"),
        Choice(attack: "sniff", preset: "insecure", why: "with TLS off, every token that crosses the link is hers"),
        Choice(attack: "logs", preset: "insecure", why: "a token in a URL lands in a log she can read"),
        Choice(attack: "code-theft", preset: "baseline", why: "PKCE: a stolen code is worthless without the verifier"),
        Choice(attack: "code-replay", preset: "baseline", why: "a code presented twice is refused and the grant issued from it revoked"),
        Choice(attack: "expired-replay", preset: "baseline", why: "with no leeway, an access token a minute past exp is refused"),
        Choice(attack: "device", preset: "baseline", why: "an unlocked device gives her whatever the browser profile holds"),
        Choice(attack: "insider", preset: "baseline", why: "the auth server stores only hashes of refresh tokens: nothing to use"),
        Choice(attack: "forge-tamper", preset: "baseline", why: "an edited token keeps its old signature, which no longer verifies"),
        Choice(attack: "forge-alg-none", preset: "insecure", why: "a server that accepts alg none takes an unsigned admin token"),
        Choice(attack: "forge-alg-None", preset: "insecure", why: "a case variant of none, against a server that lets the token choose"),
        Choice(attack: "wrong-audience", preset: "insecure", why: "without an aud check, another API's token is accepted here"),
        Choice(attack: "id-token", preset: "insecure", why: "without aud and typ checks, an ID token works as an access token"),
        Choice(attack: "key-leak", preset: "baseline", why: "with the signing secret, her admin tokens verify until the key is retired"),
        Choice(attack: "key-confusion", preset: "insecure", why: "RS256 where the token's alg chooses how the key is used: HS256 keyed with the public key verifies"),
        Choice(attack: "race-two-tabs", preset: "rotation", why: "no attacker: with grace 0, two tabs refreshing at once look like reuse"),
        Choice(attack: "race-logout", preset: "rotation", why: "no attacker: a refresh in flight when the user logs out"),
        Choice(attack: "race-lost-response", preset: "rotation", why: "no attacker: a lost response and a retry with the old token look like reuse"),
    ]

    /// `attack-NAME`, the name of its files in Traces/.
    public static func fileName(of choice: Choice) -> String { "attack-" + choice.attack }

    /// The script of one recorded attack: narration, the preset, alice's
    /// login and first call, the attack's story line by line, the report.
    public static func script(for choice: Choice) -> String? {
        guard let scenario = AttackScenario.named(choice.attack) else { return nil }
        var lines = ["# \(scenario.name) under the \(choice.preset) preset: \(choice.why).",
                     "# Written by `tokenlab traces regenerate` from the attack catalog; do not edit."]
        lines += TextWrap.words(scenario.explanation, width: 76).map { "# " + $0 }
        lines += ["set preset \(choice.preset)", "login alice", "call alice GET /orders",
                  "# The attack: \(scenario.summary)."]
        let story = scenario.lines(victim: "alice")
        let opening = story.firstIndex(of: "advance \(AttackScenario.roundLength)") ?? story.count
        lines += story[..<opening]
        if opening < story.count {
            lines.append("# Then an hour goes by, \(AttackScenario.roundLength) at a time, and the same again each round.")
            lines += story[opening...]
        }
        lines += ["# What each stolen or forged item achieved, and what stopped it:", "report"]
        return lines.joined(separator: "\n") + "\n"
    }
}
