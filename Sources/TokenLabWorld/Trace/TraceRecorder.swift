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
    /// While a replay streams (`startStreaming`), records go into `pending`
    /// as bytes, each line ended by LF, instead of into `lines`.
    private(set) var streams = false
    /// The record being written; while streaming, every record not yet compared.
    private(set) var pending = TraceBytes()
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
        // The same bytes as the JSON object type, line, time, text[, error].
        pending.append(#"{"type":"input","line":"#)
        pending.append(int: Int64(number))
        pending.append(#","time":"#)
        pending.append(int: enteredAt.milliseconds)
        pending.append(#","text":"#)
        pending.appendQuoted(text)
        if let error = result.error {
            pending.append(#","error":"#)
            pending.appendQuoted(error.message)
        }
        pending.append("}")
        endRecord()
        for event in result.events {
            eventCount += 1
            TraceRecorder.write(event, to: &pending)
            endRecord()
        }
    }

    /// Ends the record written into `pending`: a line of its own, or (while
    /// streaming) left in the bytes with its LF.
    private mutating func endRecord() {
        if streams {
            pending.append(byte: 0x0A)
        } else {
            lines.append(String(decoding: pending.bytes, as: UTF8.self))
            pending.bytes.removeAll(keepingCapacity: true)
        }
    }

    /// Adds a record already written as text.
    private mutating func append(_ line: String) {
        guard streams else { return lines.append(line) }
        pending.bytes.append(contentsOf: line.utf8)
        pending.append(byte: 0x0A)
    }

    /// Records a narration line (a script's `#` line) where it stood.
    public mutating func recordNote(line number: Int, text: String, at time: VirtualTime) {
        append(JSONValue.object([
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

    /// The event's record as text: the same bytes as `json(event).text` (a
    /// test holds them equal).
    static func line(_ event: TraceEvent) -> String {
        var out = TraceBytes()
        write(event, to: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// The event's record, written straight into bytes without building the
    /// tree first, since a long trace is millions of these.
    static func write(_ event: TraceEvent, to out: inout TraceBytes) {
        out.append(#"{"type":"event","seq":"#)
        out.append(int: Int64(event.sequence))
        out.append(#","time":"#)
        out.append(int: event.time.milliseconds)
        out.append(#","clock":"#)
        out.appendQuotedClock(event.time)
        out.append(#","kind":"#)
        out.appendQuoted(event.kind.rawValue)
        out.append(#","from":"#)
        out.appendQuoted(event.from)
        if let to = event.to {
            out.append(#","to":"#)
            out.appendQuoted(to)
        }
        out.append(#","action":"#)
        out.appendQuoted(event.action)
        out.append(#","outcome":"#)
        out.appendQuoted(event.outcome)
        if let status = event.status {
            out.append(#","status":"#)
            out.append(int: Int64(status))
        }
        if let rule = event.rule {
            out.append(#","rule":"#)
            out.appendQuoted(rule)
        }
        if let challenge = event.challenge {
            out.append(#","www_authenticate":"#)
            out.appendQuoted(challenge)
        }
        out.append(#","tokens":["#)
        for (index, token) in event.tokens.enumerated() {
            if index > 0 { out.append(",") }
            out.appendQuoted(token)
        }
        out.append("]")
        if !event.minted.isEmpty {
            out.append(#","minted":["#)
            for (index, minted) in event.minted.enumerated() {
                out.append(index > 0 ? #",{"id":"# : #"{"id":"#)
                out.appendQuoted(minted.id)
                out.append(#","fingerprint":"#)
                out.appendQuoted(minted.fingerprint)
                out.append("}")
            }
            out.append("]")
        }
        out.append("}")
    }

    /// From now on, records stay bytes in `pending` until `clearPending`:
    /// a replay compares a long trace with the file as it goes instead of
    /// holding all of it twice. The lines so far move there too. (`lines`
    /// and `finished` then hold only what came before.)
    mutating func startStreaming() {
        streams = true
        for line in lines {
            pending.bytes.append(contentsOf: line.utf8)
            pending.append(byte: 0x0A)
        }
    }

    /// Forgets the streamed bytes once they have been compared.
    mutating func clearPending() { pending.bytes.removeAll(keepingCapacity: true) }

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
