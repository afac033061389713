import Foundation
import Testing
import TokenLabTokens
@testable import TokenLabWorld

/// `show`: one model of a trace, rendered as Mermaid, Markdown, text, JSON.
@Suite struct TraceViewTests {
    static let bundled = BundledTraceTests.names

    static func view(_ name: String) throws -> TraceView {
        let bytes = try Data(contentsOf: BundledTraceTests.root.appendingPathComponent("Traces/\(name).jsonl"))
        return try TraceView.read(Array(bytes), name: "Traces/\(name).jsonl")
    }

    static func view(ofScript script: String) throws -> TraceView {
        try TraceView.read(Array(runScript(script).trace.utf8), name: "t.jsonl")
    }

    /// The Mermaid grammar's basics: the header, each participant declared
    /// once before use, and every other line an arrow, a note or a comment.
    static func checkMermaid(_ lines: [String], _ name: String) {
        #expect(lines.first == "sequenceDiagram", "\(name)")
        let arrow = /^\s*([A-Za-z0-9_.]+)\s*-[->x)]+([A-Za-z0-9_.]+)\s*:(.*)$/
        let participant = /^\s*participant ([A-Za-z0-9_.]+)$/
        let note = /^\s*Note over ([A-Za-z0-9_.]+)(,([A-Za-z0-9_.]+))?: (.*)$/
        var declared: [String] = []
        for line in lines.dropFirst() {
            if let match = line.wholeMatch(of: participant) {
                #expect(!declared.contains(String(match.1)), "\(name): \(match.1) declared twice")
                declared.append(String(match.1))
            } else if let match = line.wholeMatch(of: arrow) {
                #expect(declared.contains(String(match.1)) && declared.contains(String(match.2)), "\(name): undeclared party in \(line)")
                #expect(!match.3.contains(";") && !match.3.contains("#"), "\(name): Mermaid rejects ; and # in \(line)")
            } else if let match = line.wholeMatch(of: note) {
                #expect(declared.contains(String(match.1)), "\(name): undeclared party in \(line)")
                #expect(!match.4.contains(";") && !match.4.contains("#"), "\(name): Mermaid rejects ; and # in \(line)")
            } else {
                #expect(line.trimmingCharacters(in: .whitespaces).hasPrefix("%%"), "\(name): not Mermaid: \(line)")
            }
        }
    }

    @Test(arguments: bundled)
    func theMermaidOfABundledTraceParses(name: String) throws {
        let view = try Self.view(name)
        let lines = view.render(as: .mermaid)
        Self.checkMermaid(lines, name)
        #expect(lines.contains("    participant alice.browser") && lines.contains("    participant auth"))
        // One participant per party: every party an event names is declared, and every declared one takes part.
        let declared = lines.compactMap { $0.wholeMatch(of: /\s{4}participant (.+)/).map { String($0.1) } }
        for case .event(let event) in view.entries {
            for party in [event.from] + (event.to.map { [$0] } ?? []) {
                #expect(declared.contains(party), "\(name): \(party) has no participant")
            }
        }
        let body = lines.filter { !$0.hasPrefix("    participant") && !$0.hasPrefix("    %%") }
        for party in declared {
            let used = body.contains { line in
                line.hasPrefix("    \(party)-") || line.contains(">>\(party):") || line.contains("x\(party):") || line.hasPrefix("    Note over \(party):")
            }
            #expect(used, "\(name): \(party) is declared but never takes part")
        }
    }

    /// Every catalog attack under every preset: thefts from every capability,
    /// forgeries, cracking, code theft, rides; each diagram still parses.
    @Test(arguments: Policy.presetNames)
    func theMermaidOfEveryCatalogAttackParses(preset: String) throws {
        for scenario in AttackScenario.catalog {
            let session = try Session(seed: 1, preset: preset)
            for line in ["# \(scenario.name) under \(preset)", "login alice", "attack \(scenario.name)"] {
                #expect(session.execute(line).error == nil, "\(scenario.name) under \(preset): \(line)")
            }
            let lines = try TraceView.of(session).render(as: .mermaid)
            Self.checkMermaid(lines, "\(scenario.name) under \(preset)")
            #expect(scenario.name.hasPrefix("race-") || lines.contains { $0.contains("mallory") }, "\(scenario.name) under \(preset): mallory is drawn")
        }
    }

    @Test func theTheftIsAnArrowToMalloryAndReuseANoteOnAuth() throws {
        let lines = try Self.view("stolen-refresh").render(as: .mermaid)
        #expect(lines.contains("    alice.browser->>mallory: xss: at1"))
        #expect(lines.contains("    alice.browser->>mallory: xss: rt1"))
        #expect(lines.contains { $0.hasPrefix("    Note over auth: reuse of rt1 detected: family fam1 revoked") })
        #expect(lines.contains { $0.hasPrefix("    api--xmallory: ✗ 401") }, "her refused call ends in a cross")
        let order = lines.filter { $0.hasPrefix("    participant") }
        #expect(order == ["    participant alice.browser", "    participant mallory", "    participant auth", "    participant api"])
        #expect(lines.contains { $0.hasPrefix("    Note over alice.browser,api: XSS steals alice") }, "narration spans the diagram")
    }

    @Test func rideAndCsrfAreMallorysRequestsThroughTheBrowserAndAForgeryIsANote() throws {
        let lines = try Self.view(ofScript: """
            set storage cookie
            set cookie.samesite none
            login alice
            ride alice GET /orders
            csrf alice POST /orders
            steal access from alice via sniff
            forge none from alice
            as mallory call GET /orders
            # a narration with a #hash; and <b>markup</b>
            """).render(as: .mermaid)
        Self.checkMermaid(lines, "ride")
        let ride = try #require(lines.firstIndex(of: "    mallory->>alice.browser: script: GET /orders Cookie at1"))
        #expect(lines[ride + 1].hasPrefix("    alice.browser->>api: GET /orders"))
        #expect(lines.contains { $0.hasPrefix("    mallory->>alice.browser: page on her site: POST /orders") })
        #expect(lines.contains("    network-xmallory: ✗ sniff: nothing, TLS"))
        #expect(lines.contains { $0.hasPrefix("    Note over mallory: forge none from at1: made ft1") })
        #expect(lines.contains { $0.contains("a narration with a no.hash, and ‹b›markup‹/b›") })
    }

    @Test func theMarkdownHandoutHasTheStoryTheDiagramTheOutcomesAndThePolicy() throws {
        let view = try Self.view("stolen-refresh")
        let lines = view.render(as: .markdown)
        #expect(lines.first == "# Traces/stolen-refresh.jsonl")
        #expect(lines.contains("XSS steals alice's tokens; rotation with reuse detection catches it,"))
        #expect(lines.contains("yet the access token mallory got keeps working until it expires."))
        let start = try #require(lines.firstIndex(of: "```mermaid"))
        #expect(lines[start + 1] == "sequenceDiagram")
        #expect(lines.contains("```tokenlab") && lines.contains("steal all from alice via xss"))
        #expect(view.outcomes.count == 1)
        for (number, outcome) in view.outcomes.enumerated() {
            #expect(lines.contains { $0.hasPrefix("| \(number + 1) | \(outcome.attack) | ") }, "outcome row \(number + 1)")
        }
        #expect(lines.contains("| `refresh.rotation` | `off` |") && lines.contains("- 00:00:00.000: `set preset rotation`"))
    }

    @Test func textAndJsonAreTheSameModel() throws {
        let view = try Self.view("stolen-refresh")
        let text = view.render(as: .text)
        #expect(text.first == "Traces/stolen-refresh.jsonl: tokenlab 0.1.0  seed 1  policy baseline")
        #expect(text.contains("# XSS steals alice's tokens; rotation with reuse detection catches it,") && text.contains("> login alice"))
        let json = try JSONValue.parse(view.render(as: .json).joined(separator: "\n"))
        guard case .array(let steps)? = json["steps"], case .array(let outcomes)? = json["outcomes"] else {
            Issue.record("steps and outcomes are arrays")
            return
        }
        #expect(steps.first?["type"]?.stringValue == "note" && outcomes.count == 1)
    }

    @Test func showInASessionRendersItsOwnTrace() throws {
        let session = try Session()
        for line in ["# hello", "login alice"] { #expect(session.execute(line).error == nil) }
        let result = session.execute("show mermaid")
        #expect(result.error == nil && result.output.first == "sequenceDiagram")
        #expect(result.output.contains("    Note over alice.browser,auth: hello"))
        #expect(session.execute("show markdown out.md").effect == .write(path: "out.md", text: try TraceView.of(session).render(as: .markdown).joined(separator: "\n") + "\n"))
        #expect(session.execute("show svg").error?.message == "show: 'svg' is not text, diagram, mermaid, markdown, html or json; usage: show [text|diagram|mermaid|markdown|html|json] [FILE]")
        #expect(session.commandCount == 2, "show is a session command: not logged")
    }

    @Test func badInputIsOneLineWithFileAndLine() throws {
        #expect(throws: CommandError("x.jsonl:1: expected a JSON object with a \"type\"")) { try TraceView.read(Array("[1]\n".utf8), name: "x.jsonl") }
        #expect(throws: CommandError("x.jsonl:1: empty file; expected a tokenlab trace header")) { try TraceView.read([], name: "x.jsonl") }
        let trace = try runScript("login alice\nsteal all from alice via xss\n").trace
        let bad = resealed(Array(trace.replacingOccurrences(of: #""stopped":false"#, with: #""stopped":"no""#).utf8))
        let line = 1 + (trace.split(separator: "\n").firstIndex { $0.contains(#""stopped":false"#) } ?? 0)
        #expect(throws: CommandError("y.jsonl:\(line): an outcome record needs \"attack\", \"stopped\", \"stopped_by\", \"api_requests\" and \"refreshes\"")) {
            try TraceView.read(bad, name: "y.jsonl")
        }
    }
}
