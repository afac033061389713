import TokenLabCore

/// One line of the command language, parsed. The REPL, scripts, lessons
/// and trace replay all go through `CommandParser` to get one of these.
public enum Command: Equatable, Sendable {
    case login(user: String)
    case call(user: String, method: String, path: String)
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
    case status
    case help(command: String?)
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
        CommandSpec(name: "login", usage: "login USER", summary: "USER's browser logs in (password grant) and stores its tokens",
                    example: "login alice", rule: "RFC 6749 §4.3"),
        CommandSpec(name: "call", usage: "call USER METHOD PATH", summary: "USER's browser calls the API; on 401 it refreshes once and retries",
                    example: "call alice GET /orders", rule: "RFC 6750 §2"),
        CommandSpec(name: "refresh", usage: "refresh USER [TOKEN]",
                    summary: "USER's browser refreshes now, with its own refresh token or a stale copy such as rt1",
                    example: "refresh alice rt1", rule: "RFC 6749 §6, RFC 9700 §4.14.2"),
        CommandSpec(name: "logout", usage: "logout USER", summary: "USER's browser logs out: revokes its refresh token, drops its tokens",
                    example: "logout alice", rule: "RFC 7009 §2.1"),
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
        CommandSpec(name: "tokens", usage: "tokens", summary: "every token minted: owner, family, lifetime, state, holder",
                    example: "tokens", rule: nil),
        CommandSpec(name: "decode", usage: "decode TOKEN", summary: "header, claims and signature verdict of a token (a short id or a JWT)",
                    example: "decode at1", rule: "RFC 7519 §7.2"),
        CommandSpec(name: "keys", usage: "keys", summary: "the auth server's verification keys as a JWK Set",
                    example: "keys", rule: "RFC 7517 §5"),
        CommandSpec(name: "status", usage: "status", summary: "time, seed, policy and each browser's session",
                    example: "status", rule: nil),
        CommandSpec(name: "help", usage: "help [COMMAND]", summary: "list commands, or one command's usage and example",
                    example: "help advance", rule: nil),
    ]

    public static func named(_ name: String) -> CommandSpec? { all.first(where: { $0.name == name }) }
}
