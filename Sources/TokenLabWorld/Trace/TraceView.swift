import TokenLabCore
import TokenLabTokens

/// A trace read back as values: the one model that `show` renders as text,
/// Mermaid, Markdown or JSON. It is read from a trace file (checked by
/// `TraceFile`, so `show` refuses exactly what `replay` refuses) or from a
/// session's own trace; a view adds no facts to what the trace recorded.
public struct TraceView: Sendable {
    public struct Header: Sendable {
        public var tool: String
        public var seed: String
        public var preset: String
        /// The policy at the start, in the order the trace wrote it.
        public var policy: [(key: String, value: String)]
    }

    /// One recorded line, in trace order.
    public enum Entry: Sendable {
        case input(time: VirtualTime, text: String, error: String?)
        case note(time: VirtualTime, text: String)
        case event(TraceEvent)
    }

    /// One `outcome` record: what a theft or forgery achieved.
    public struct Outcome: Sendable {
        public var attack: String
        public var acquired: VirtualTime?
        public var usableUntil: VirtualTime?
        public var window: Duration?
        public var lastSuccess: VirtualTime?
        public var apiRequests: Int
        public var refreshes: Int
        public var highestRole: String?
        public var stopped: Bool
        public var stoppedBy: String
    }

    public var name: String
    public var header: Header
    public var entries: [Entry]
    public var outcomes: [Outcome]

    /// The output formats of `show`.
    public enum Format: String, Sendable, CaseIterable {
        case text, diagram, mermaid, markdown, html, json

        /// "text, diagram, ... or json", for messages.
        public static var names: String {
            allCases.dropLast().map(\.rawValue).joined(separator: ", ") + " or " + (allCases.last?.rawValue ?? "")
        }
    }

    /// Reads a trace file; bad input is one `NAME:LINE: message`.
    public static func read(_ bytes: [UInt8], name: String) throws(CommandError) -> TraceView {
        var records: [(line: Int, record: JSONValue)] = []
        _ = try TraceFile.parse(bytes, name: name) { records.append(($0, $1)) }
        var view = TraceView(name: name, header: Header(tool: "", seed: "", preset: "", policy: []), entries: [], outcomes: [])
        for (line, record) in records {
            func fail(_ message: String) -> CommandError { CommandError("\(name):\(line): \(message)") }
            switch record["type"]?.stringValue {
            case "header":
                var policy: [(key: String, value: String)] = []
                if case .object(let members)? = record["policy"] {
                    for member in members { policy.append((member.key, member.value.stringValue ?? member.value.text)) }
                }
                view.header = Header(tool: record["tool"]?.stringValue ?? "", seed: record["seed"]?.text ?? "",
                                     preset: record["preset"]?.stringValue ?? "", policy: policy)
            case "input":
                // TraceFile checked text and time.
                view.entries.append(.input(time: time(record["time"]), text: record["text"]?.stringValue ?? "",
                                           error: record["error"]?.stringValue))
            case "note":
                view.entries.append(.note(time: time(record["time"]), text: record["text"]?.stringValue ?? ""))
            case "event":
                view.entries.append(.event(try event(record, fail: fail)))
            case "outcome":
                view.outcomes.append(try outcome(record, fail: fail))
            default:
                break
            }
        }
        return view
    }

    /// The session's trace so far, as a view.
    public static func of(_ session: Session, name: String = "session") throws(CommandError) -> TraceView {
        try read(Array(session.trace.utf8), name: name)
    }

    /// The view in one format, as lines (the front end prints or writes
    /// them). `width` is the terminal diagram's; the others ignore it.
    public func render(as format: Format, width: Int = 80, colors: Bool = false, theme: Theme = .default) -> [String] {
        switch format {
        case .text: textLines()
        case .diagram: SequenceModel(self).textLines(width: width, paint: Paint(enabled: colors, theme: theme))
        case .mermaid: MermaidDiagram(self).lines
        case .markdown: markdownLines()
        case .html: htmlLines()
        case .json: jsonLines()
        }
    }

    private static func time(_ value: JSONValue?) -> VirtualTime { VirtualTime(milliseconds: value?.intValue ?? 0) }

    private static func event(_ record: JSONValue, fail: (String) -> CommandError) throws(CommandError) -> TraceEvent {
        // TraceFile checked seq, time, kind and action are there.
        guard let kind = record["kind"]?.stringValue.flatMap(TraceEvent.Kind.init(rawValue:)) else {
            throw fail("an event's \"kind\" is one of request, client, security")
        }
        guard let from = record["from"]?.stringValue else { throw fail("an event record needs \"from\" (a party)") }
        var tokens: [String] = []
        if case .array(let items)? = record["tokens"] { tokens = items.compactMap(\.stringValue) }
        let status = record["status"]?.intValue
        guard status.map({ $0 >= 100 && $0 <= 599 }) ?? true else { throw fail("an event's \"status\" is an HTTP status") }
        return TraceEvent(time: time(record["time"]), sequence: Int(record["seq"]?.intValue ?? 0), kind: kind, from: from,
                          to: record["to"]?.stringValue, action: record["action"]?.stringValue ?? "",
                          outcome: record["outcome"]?.stringValue ?? "", status: status.map { Int($0) },
                          rule: record["rule"]?.stringValue, tokens: tokens)
    }

    private static func outcome(_ record: JSONValue, fail: (String) -> CommandError) throws(CommandError) -> Outcome {
        guard let attack = record["attack"]?.stringValue, let stoppedBy = record["stopped_by"]?.stringValue,
              let stopped = record["stopped"]?.boolValue, let requests = record["api_requests"]?.intValue,
              let refreshes = record["refreshes"]?.intValue else {
            throw fail("an outcome record needs \"attack\", \"stopped\", \"stopped_by\", \"api_requests\" and \"refreshes\"")
        }
        func instant(_ key: String) -> VirtualTime? { record[key]?.intValue.map { VirtualTime(milliseconds: $0) } }
        return Outcome(attack: attack, acquired: instant("acquired"), usableUntil: instant("usable_until"),
                       window: record["window_ms"]?.intValue.map { Duration.milliseconds($0) },
                       lastSuccess: instant("last_success"), apiRequests: Int(requests), refreshes: Int(refreshes),
                       highestRole: record["highest_role"]?.stringValue, stopped: stopped, stoppedBy: stoppedBy)
    }
}
