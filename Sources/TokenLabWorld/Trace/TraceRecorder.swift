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
            lines.append(TraceRecorder.line(event))
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

    /// The event's record, written straight into text: the same bytes as
    /// `json(event).text` (a test holds them equal) without building the
    /// tree first, since a long trace is millions of these.
    static func line(_ event: TraceEvent) -> String {
        var out = #"{"type":"event","seq":"#
        out.reserveCapacity(320)
        out += String(event.sequence)
        out += #","time":"#
        out += String(event.time.milliseconds)
        out += #","clock":"#
        JSONValue.writeString(event.time.clockText, to: &out)
        out += #","kind":"#
        JSONValue.writeString(event.kind.rawValue, to: &out)
        out += #","from":"#
        JSONValue.writeString(event.from, to: &out)
        if let to = event.to {
            out += #","to":"#
            JSONValue.writeString(to, to: &out)
        }
        out += #","action":"#
        JSONValue.writeString(event.action, to: &out)
        out += #","outcome":"#
        JSONValue.writeString(event.outcome, to: &out)
        if let status = event.status {
            out += #","status":"#
            out += String(status)
        }
        if let rule = event.rule {
            out += #","rule":"#
            JSONValue.writeString(rule, to: &out)
        }
        if let challenge = event.challenge {
            out += #","www_authenticate":"#
            JSONValue.writeString(challenge, to: &out)
        }
        out += #","tokens":["#
        for (index, token) in event.tokens.enumerated() {
            if index > 0 { out += "," }
            JSONValue.writeString(token, to: &out)
        }
        out += "]"
        if !event.minted.isEmpty {
            out += #","minted":["#
            for (index, minted) in event.minted.enumerated() {
                out += index > 0 ? #",{"id":"# : #"{"id":"#
                JSONValue.writeString(minted.id, to: &out)
                out += #","fingerprint":"#
                JSONValue.writeString(minted.fingerprint, to: &out)
                out += "}"
            }
            out += "]"
        }
        out += "}"
        return out
    }

    /// Hands over the lines recorded so far and forgets them: a replay
    /// compares a long trace as it goes instead of holding all of it twice.
    /// (`finished` then holds only what came after.)
    mutating func takeLines() -> [String] {
        defer { lines.removeAll(keepingCapacity: true) }
        return lines
    }

    /// One `outcome` record per theft or forgery: what it achieved by the end.
    static func outcomeLines(_ outcomes: [AttackOutcome]) -> [String] {
        outcomes.map { outcome in
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
    }

    /// The last line: the counts, and the SHA-256 (hex) of every byte before it.
    func digestLine(sha256 hex: String) -> String {
        JSONValue.object([
            "type": .string("digest"), "inputs": .int(inputs), "events": .int(eventCount), "sha256": .string(hex),
        ]).text
    }

    /// The whole trace: the lines so far, then one `outcome` record per
    /// theft or forgery (what it achieved by the end), then the digest.
    public func finished(outcomes: [AttackOutcome] = []) -> String {
        let body = (lines + TraceRecorder.outcomeLines(outcomes)).joined(separator: "\n") + "\n"
        return body + digestLine(sha256: TraceFile.hex(sha256(body))) + "\n"
    }
}
