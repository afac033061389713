import TokenLabCore
import TokenLabTokens

/// Builds a trace: JSON Lines with a header (format, version, tool, seed,
/// epoch, policy), each input line and the events it caused, and a final
/// digest (SHA-256 of every line before it). Keys are written in a fixed
/// order, so the same run gives the same bytes on any machine.
public struct TraceRecorder {
    public static let formatName = "tokenlab-trace"
    public static let formatVersion = 1

    public private(set) var lines: [String] = []
    private var inputs = 0
    private var eventCount = 0

    public init(world: World, tool: String) {
        let policy = JSONValue.object(world.policy.settings.map { JSONMember($0.0, .string($0.1)) })
        lines.append(JSONValue.object([
            "type": .string("header"), "format": .string(TraceRecorder.formatName),
            "version": .int(TraceRecorder.formatVersion), "tool": .string(tool),
            "seed": .number(String(world.seed)), "epoch": .int(World.epoch),
            "preset": .string(world.presetName), "policy": policy,
        ]).text)
    }

    /// Records one input line (with the time it was entered) and what it caused.
    public mutating func record(line number: Int, text: String, enteredAt: VirtualTime, result: CommandResult) {
        guard !result.isBlank || result.error != nil else { return }
        inputs += 1
        var members = [
            JSONMember("type", .string("input")), JSONMember("line", .int(number)),
            JSONMember("time", .int(enteredAt.milliseconds)), JSONMember("text", .string(text)),
        ]
        if let error = result.error { members.append(JSONMember("error", .string(error.message))) }
        lines.append(JSONValue.object(members).text)
        for event in result.events {
            eventCount += 1
            lines.append(TraceRecorder.json(event).text)
        }
    }

    /// Records a narration line (a script's `#` line) where it stood.
    public mutating func recordNote(line number: Int, text: String, at time: VirtualTime) {
        lines.append(JSONValue.object([
            "type": .string("note"), "line": .int(number), "time": .int(time.milliseconds), "text": .string(text),
        ]).text)
    }

    static func json(_ event: TraceEvent) -> JSONValue {
        var members = [
            JSONMember("type", .string("event")), JSONMember("seq", .int(event.sequence)),
            JSONMember("time", .int(event.time.milliseconds)), JSONMember("clock", .string(event.time.clockText)),
            JSONMember("kind", .string(event.kind.rawValue)), JSONMember("from", .string(event.from)),
        ]
        if let to = event.to { members.append(JSONMember("to", .string(to))) }
        members.append(JSONMember("action", .string(event.action)))
        members.append(JSONMember("outcome", .string(event.outcome)))
        if let status = event.status { members.append(JSONMember("status", .int(status))) }
        if let rule = event.rule { members.append(JSONMember("rule", .string(rule))) }
        if let challenge = event.challenge { members.append(JSONMember("www_authenticate", .string(challenge))) }
        members.append(JSONMember("tokens", .array(event.tokens.map { .string($0) })))
        if !event.minted.isEmpty {
            members.append(JSONMember("minted", .array(event.minted.map { .object(["id": .string($0.id), "fingerprint": .string($0.fingerprint)]) })))
        }
        return .object(members)
    }

    /// The whole trace: the lines so far, then one `outcome` record per
    /// theft or forgery (what it achieved by the end), then the digest.
    public func finished(outcomes: [AttackOutcome] = []) -> String {
        let outcomeLines = outcomes.map { outcome in
            JSONValue.object([
                "type": .string("outcome"), "attack": .string(outcome.origin),
                "acquired": outcome.acquiredAt.map { .int($0.milliseconds) } ?? .null,
                "usable_until": outcome.usableUntil.map { .int($0.milliseconds) } ?? .null,
                "window_ms": outcome.window.map { .int($0.milliseconds) } ?? .null,
                "first_success": outcome.firstSuccess.map { .int($0.milliseconds) } ?? .null,
                "last_success": outcome.lastSuccess.map { .int($0.milliseconds) } ?? .null,
                "api_requests": .int(outcome.apiRequests), "refreshes": .int(outcome.refreshes),
                "highest_role": outcome.highestRole.map(JSONValue.string) ?? .null,
                "stopped": .bool(outcome.stopped), "stopped_by": .string(outcome.stoppedBy),
            ]).text
        }
        let body = (lines + outcomeLines).joined(separator: "\n") + "\n"
        let digest = sha256(body).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        let last = JSONValue.object([
            "type": .string("digest"), "inputs": .int(inputs), "events": .int(eventCount), "sha256": .string(digest),
        ]).text
        return body + last + "\n"
    }
}
