import TokenLabCore

/// One line of the command language, parsed. The REPL, scripts, lessons
/// and trace replay all go through `CommandParser` to get one of these.
public enum Command: Equatable, Sendable {
    case login(user: String)
    case call(user: String, method: String, path: String)
    /// The attacker presents a token she holds, or one pasted whole.
    case callWith(user: String, method: String, path: String, token: String)
    case refresh(user: String, token: String?)
    case logout(user: String)
    case revoke(token: String)
    case introspect(token: String)
    case advance(Duration)
    case advanceUntilExpiry(target: String)
    case set(key: String, value: String)
    case setPreset(String)
    case policy
    case policyDiff(preset: String?)
    case tokens
    case decode(token: String)
    case keys
    case rotateKeys
    case retireKey(kid: String)
    case status
    case help(command: String?)
    // Defenders
    case adminRevoke(user: String)
    case changePassword(user: String)
    // Attackers
    case steal(kind: StolenKind, victim: String, capability: String)
    case forge(kind: String, from: String)
    case forgeEdit(token: String, edits: [ClaimEdit], signing: ForgeSigning)
    case crack(token: String)
    case signup(party: String)
    case ride(user: String, method: String, path: String)
    /// The injected script sends a refresh request from the victim's page.
    case rideRefresh(user: String)
    /// The page reloads: what was in memory is gone.
    case reload(user: String)
    /// A new tab of the user's browser loads the app (`alice.tab2`, ...).
    case openTab(user: String)
    case race(kind: String, user: String)
    case csrf(user: String, method: String, path: String)
    case redeem(party: String, code: String?, redirectURI: String?)
    case wallet(party: String)
    case report
    case attacks(name: String?)
    case attack(name: String, victim: String)
    // Pictures
    case diagram(count: Int?)
    case timeline
    /// The session's trace as text, Mermaid, Markdown or JSON; to a file with `path`.
    case show(format: TraceView.Format, path: String?)
    /// How colour is used on this terminal (nil: say which theme is in use).
    case theme(Theme?)
    // The session around the world
    case undo
    case reset
    case seed(UInt64)
    case history
    case save(path: String)
    case load(path: String)
    case quit
    // Stepping through a trace (Session+Stepping); `back` is `.lesson(.back)`,
    // which goes back a step of whichever is in progress.
    case replay(path: String)
    case step
    case goto(StepTarget)
    /// `run`: the rest of the trace being stepped through.
    case runToEnd
    /// A check on the world; `text` is the expectation as written.
    case expect(Expectation, text: String)
    /// Lessons: list, start, and move through one (the front end runs them).
    case lesson(LessonControl)
}

/// What a learner asks of the lesson in progress.
public enum LessonControl: Equatable, Sendable {
    case list
    case start(String)
    case quit
    case next, back, hint, check, solution
}

/// Where `goto` goes: a step number, or the last step at or before a virtual time.
public enum StepTarget: Equatable, Sendable {
    case step(Int)
    case time(VirtualTime)
}

public enum StolenKind: String, Sendable, CaseIterable {
    case access, refresh, all, code
}

extension Command {
    /// Whether the command changes the world (and so is kept for undo,
    /// replay and save); looking commands are not.
    public var changesWorld: Bool {
        switch self {
        case .login, .call, .callWith, .refresh, .logout, .revoke, .introspect, .advance, .advanceUntilExpiry, .set, .setPreset, .steal,
             .forge, .forgeEdit, .crack, .signup, .ride, .rideRefresh, .reload, .openTab, .attack, .race, .rotateKeys, .retireKey, .csrf, .redeem,
             .adminRevoke, .changePassword:
            true
        case .policy, .policyDiff, .tokens, .decode, .keys, .status, .help, .wallet, .diagram, .timeline, .report, .attacks,
             .undo, .reset, .seed, .history, .save, .load, .quit, .show, .expect, .lesson, .replay, .step, .goto, .runToEnd, .theme:
            false
        }
    }

    /// Commands about the session rather than the world.
    var isSessionCommand: Bool {
        switch self {
        case .undo, .reset, .seed, .history, .save, .load, .quit, .show, .expect, .lesson, .replay, .step, .goto, .runToEnd, .theme: true
        default: false
        }
    }
}

/// A bad line or an impossible request: one line saying what was expected.
/// (Protocol outcomes such as an expired token are events, never this.)
public struct CommandError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Usage and help live next to each other here, so they cannot drift.
public struct CommandSpec: Sendable {
    public let name: String
    public let usage: String
    public let summary: String
    public let example: String
    public let rule: String?

    public static let all: [CommandSpec] = [
        CommandSpec(name: "login", usage: "login USER",
                    summary: "USER's browser logs in: GET /authorize, a 302 with a code, POST /token with code and PKCE verifier",
                    example: "login alice", rule: "RFC 6749 §4.1, RFC 7636, RFC 9700 §2.1.1"),
        CommandSpec(name: "call", usage: "call USER METHOD PATH", summary: "USER's browser calls the API; on 401 it refreshes once and retries",
                    example: "call alice GET /orders", rule: "RFC 6750 §2"),
        CommandSpec(name: "refresh", usage: "refresh USER [TOKEN]",
                    summary: "USER's browser refreshes now, with its own refresh token or a stale copy such as rt1",
                    example: "refresh alice rt1", rule: "RFC 6749 §6, RFC 9700 §4.14.2"),
        CommandSpec(name: "logout", usage: "logout USER", summary: "USER's browser logs out: revokes its refresh token, drops its tokens",
                    example: "logout alice", rule: "RFC 7009 §1, §2.1"),
        CommandSpec(name: "revoke", usage: "revoke TOKEN", summary: "the token's holder asks the auth server to revoke it",
                    example: "revoke rt1", rule: "RFC 7009 §2"),
        CommandSpec(name: "introspect", usage: "introspect TOKEN", summary: "the API asks the auth server whether a token is active",
                    example: "introspect at1", rule: "RFC 7662 §2"),
        CommandSpec(name: "advance", usage: "advance DURATION | advance until TARGET expires",
                    summary: "move virtual time, running every event due on the way (TARGET: at3, rt2, alice.access, alice.refresh)",
                    example: "advance 5m", rule: nil),
        CommandSpec(name: "set", usage: "set KEY VALUE | set preset NAME", summary: "change one policy setting, or switch to a preset",
                    example: "set refresh.rotation on", rule: nil),
        CommandSpec(name: "policy", usage: "policy [diff [PRESET]]", summary: "show every setting, or what differs from a preset",
                    example: "policy diff bcp", rule: nil),
        CommandSpec(name: "tokens", usage: "tokens", summary: "every token minted: owner (its subject), family, lifetime, state, who holds it",
                    example: "tokens", rule: nil),
        CommandSpec(name: "decode", usage: "decode TOKEN", summary: "header, claims and signature verdict of a token (a short id or a JWT)",
                    example: "decode at1", rule: "RFC 7519 §7.2"),
        CommandSpec(name: "keys", usage: "keys | keys rotate | keys retire KID",
                    summary: "the verification keys as a JWK Set; rotate to a new signing key; retire an old one",
                    example: "keys rotate", rule: "RFC 7517 §5, RFC 7515 §4.1.4"),
        CommandSpec(name: "admin", usage: "admin revoke USER",
                    summary: "the operator ends every session of USER at the auth server, silent-login families included; access tokens as denylist and validation say",
                    example: "admin revoke alice", rule: "RFC 9700 §4.14.2, RFC 7009 §2.1"),
        CommandSpec(name: "password", usage: "password USER",
                    summary: "USER changes their password: the auth server revokes USER's refresh tokens and USER's browser must log in again",
                    example: "password alice", rule: "RFC 9700 §4.14.2"),
        CommandSpec(name: "status", usage: "status", summary: "time, seed, policy and each browser's session",
                    example: "status", rule: nil),
        CommandSpec(name: "steal", usage: "steal access|refresh|all|code from USER via xss|sniff|device|logs|insider|silent|intercept|backend",
                    summary: "mallory tries a capability; the world decides what it can reach",
                    example: "steal refresh from alice via xss", rule: "RFC 6819 §4, browser-based-apps BCP §5"),
        CommandSpec(name: "as", usage: "as PARTY call METHOD PATH [with TOKEN] | as PARTY refresh [TOKEN] | as PARTY logout | as PARTY redeem [CODE [URI]]",
                    summary: "act as the attacker: she presents only what she holds (stolen, forged, obtained with it, or a pasted JWT) and keeps it after a refusal",
                    example: "as mallory call GET /orders", rule: nil),
        CommandSpec(name: "redeem", usage: "redeem PARTY [CODE [REDIRECT_URI]]",
                    summary: "mallory sends a token request with a code she stole (the latest if none named), without its verifier",
                    example: "as mallory redeem c1", rule: "RFC 6749 §4.1.3, RFC 7636 §4.6"),
        CommandSpec(name: "forge", usage: "forge tamper|none|None|audience|idtoken|keyleak|confusion from TOKEN|USER | forge edit TOKEN|USER CLAIM=VALUE|CLAIM+=WORD... [sign keep|none|KID|cracked|guess SECRET]",
                    summary: "mallory builds a token from a genuine one (USER: their current access token; if the page holds none, none/None/keyleak/confusion write their claims from scratch), or edits any token's claims and signs it her way",
                    example: "forge none from alice", rule: "RFC 8725 §2.1, §3"),
        CommandSpec(name: "crack", usage: "crack TOKEN|USER",
                    summary: "mallory tries a built-in word list as the HS256 secret of a token, offline; a hit gives her the key",
                    example: "crack at1", rule: "RFC 7518 §3.2, RFC 8725 §3.5"),
        CommandSpec(name: "signup", usage: "signup mallory",
                    summary: "mallory opens an ordinary account of her own (role user); login mallory then mints her own tokens",
                    example: "signup mallory", rule: "RFC 6749 §6"),
        CommandSpec(name: "ride", usage: "ride USER METHOD PATH | ride USER refresh",
                    summary: "mallory's injected script sends a request from USER's browser, cookies and all; refresh: it posts to the token endpoint and reads what the JSON body holds",
                    example: "ride alice GET /orders", rule: "browser-based-apps BCP §5.1.4"),
        CommandSpec(name: "reload", usage: "reload USER",
                    summary: "USER's page reloads: tokens in memory are gone; with a refresh cookie the app refreshes silently",
                    example: "reload alice", rule: "browser-based-apps BCP §8.4"),
        CommandSpec(name: "open", usage: "open USER",
                    summary: "a new tab of USER's browser loads the app (alice.tab2, alice.tab3...; plain alice is the first tab): it shares cookies and localStorage, not memory or sessionStorage; any command taking USER takes a tab",
                    example: "open alice", rule: "browser-based-apps BCP §8.4, §8.5"),
        CommandSpec(name: "csrf", usage: "csrf USER METHOD PATH | csrf USER POST /token",
                    summary: "a page on mallory's site makes USER's browser send a request; SameSite and storage decide what rides along",
                    example: "csrf alice POST /orders", rule: "RFC 6750 §5.3, draft-ietf-httpbis-rfc6265bis §5.6.7"),
        CommandSpec(name: "race", usage: "race tabs|logout|lost USER",
                    summary: "races without an attacker: every open tab refreshing at once (open USER first), a refresh racing logout, a lost response",
                    example: "race tabs alice", rule: "RFC 9700 §4.14.2, RFC 7009 §2"),
        CommandSpec(name: "attacks", usage: "attacks [NAME]", summary: "the attack catalog, or one attack explained with its rules",
                    example: "attacks xss-persistent", rule: nil),
        CommandSpec(name: "attack", usage: "attack NAME [USER]",
                    summary: "run a catalog attack on USER (default alice) into this world: an hour of attacker and victim",
                    example: "attack xss-once", rule: nil),
        CommandSpec(name: "report", usage: "report",
                    summary: "what each theft or forgery achieved, what stopped it, and what the victims paid",
                    example: "report", rule: nil),
        CommandSpec(name: "wallet", usage: "wallet PARTY", summary: "what a party holds and how long each item stays usable",
                    example: "wallet mallory", rule: nil),
        CommandSpec(name: "diagram", usage: "diagram [N]", summary: "a sequence diagram of the last N messages (default 12)",
                    example: "diagram 8", rule: nil),
        CommandSpec(name: "timeline", usage: "timeline", summary: "each token's validity as a bar over virtual time",
                    example: "timeline", rule: nil),
        CommandSpec(name: "show", usage: "show [text|diagram|mermaid|markdown|html|json] [FILE]",
                    summary: "this session's trace as text, a terminal or Mermaid sequence diagram, a Markdown handout, one self-contained HTML page or JSON; written to FILE if given",
                    example: "show mermaid", rule: nil),
        CommandSpec(name: "theme", usage: "theme [default|contrast|plain]",
                    summary: "how colour is used on this terminal: contrast for a projector (nothing dim, no dark blue), plain for none",
                    example: "theme contrast", rule: nil),
        CommandSpec(name: "expect", usage: "expect CHECK (help expect lists the checks)",
                    summary: "check the world: the last response, a token's state, who holds what, a family, the time, the report, or a defence story",
                    example: "expect last 200", rule: nil),
        CommandSpec(name: "lessons", usage: "lessons", summary: "the course: every lesson with your progress",
                    example: "lessons", rule: nil),
        CommandSpec(name: "lesson", usage: "lesson ID|NUMBER | lesson quit",
                    summary: "start a lesson (a fresh world with its seed and policy); Enter runs its next command; lesson quit leaves it",
                    example: "lesson 1", rule: nil),
        CommandSpec(name: "next", usage: "next", summary: "in a lesson: run the rest of this step's commands, or go on to the next step",
                    example: "next", rule: nil),
        CommandSpec(name: "back", usage: "back",
                    summary: "in a lesson: back to the start of this step (or, at its start, the previous one); stepping through a trace: the world as of the step before",
                    example: "back", rule: nil),
        CommandSpec(name: "hint", usage: "hint", summary: "in a lesson's exercise: the next hint", example: "hint", rule: nil),
        CommandSpec(name: "check", usage: "check", summary: "in a lesson: check the exercise's goal (or this step's expectations) against your world",
                    example: "check", rule: nil),
        CommandSpec(name: "solution", usage: "solution", summary: "in a lesson's exercise: show the solution; Enter then runs it line by line",
                    example: "solution", rule: nil),
        CommandSpec(name: "undo", usage: "undo", summary: "take back the last command (from the nearest checkpoint, replaying what followed it)",
                    example: "undo", rule: nil),
        CommandSpec(name: "reset", usage: "reset", summary: "a fresh world with the same seed and starting policy",
                    example: "reset", rule: nil),
        CommandSpec(name: "seed", usage: "seed N", summary: "a fresh world with seed N", example: "seed 42", rule: nil),
        CommandSpec(name: "history", usage: "history", summary: "the commands that made this world, numbered",
                    example: "history", rule: nil),
        CommandSpec(name: "save", usage: "save FILE", summary: "write this session as a trace (JSON Lines)",
                    example: "save Traces/mine.jsonl", rule: nil),
        CommandSpec(name: "load", usage: "load FILE", summary: "run a script (.tl) or a trace's inputs into this world",
                    example: "load Traces/demo.tl", rule: nil),
        CommandSpec(name: "replay", usage: "replay FILE",
                    summary: "step through a trace: a fresh world with its seed and policy, its input lines ready and none run yet",
                    example: "replay Traces/demo.jsonl", rule: nil),
        CommandSpec(name: "step", usage: "step",
                    summary: "while stepping: run the trace's next input line and say what each event means for the tokens (Enter does too)",
                    example: "step", rule: nil),
        CommandSpec(name: "goto", usage: "goto N | goto HH:MM:SS",
                    summary: "while stepping: the world as of step N (0 is the start), or of the last step at or before that virtual time",
                    example: "goto 2", rule: nil),
        CommandSpec(name: "run", usage: "run", summary: "while stepping: run the rest of the trace, explaining each event",
                    example: "run", rule: nil),
        CommandSpec(name: "help", usage: "help [COMMAND]", summary: "list commands, or one command's usage and example",
                    example: "help advance", rule: nil),
        CommandSpec(name: "quit", usage: "quit", summary: "leave (Ctrl-D does too)", example: "quit", rule: nil),
    ]

    public static func named(_ name: String) -> CommandSpec? { index[name].map { all[$0] } }

    /// Where each name sits in `all`: the parser looks one up per line.
    private static let index: [String: Int] = Dictionary(all.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { first, _ in first })
}
