import Foundation
import Testing
@testable import TokenLabWorld

/// The trace shipped in Traces/ is what its script produces today, byte for
/// byte, and the attack scripts are what the catalog writes: a change that
/// alters any of them fails here until `tokenlab traces regenerate` is run
/// on purpose.
@Suite struct BundledTraceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every script in Traces/, by name without `.tl`.
    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Traces").path)) ?? []
        return files.filter { $0.hasSuffix(".tl") }.map { String($0.dropLast(3)) }.sorted()
    }()

    @Test(arguments: names)
    func aBundledTraceIsReproducedByteForByte(name: String) throws {
        let script = try String(contentsOf: Self.root.appendingPathComponent("Traces/\(name).tl"), encoding: .utf8)
        let recorded = try String(contentsOf: Self.root.appendingPathComponent("Traces/\(name).jsonl"), encoding: .utf8)
        let fresh = try ScriptRunner.run(script: script, fileName: "Traces/\(name).tl", seed: 1, tool: "tokenlab \(toolVersion)").trace
        #expect(fresh == recorded, "regenerate with: swift run tokenlab traces regenerate")
    }

    @Test func everyCatalogAttackHasItsRecordedTraceWrittenFromTheCatalog() throws {
        #expect(RecordedTraces.choices.map(\.attack) == AttackScenario.catalog.map(\.name), "one recorded trace per catalog attack, in catalog order")
        for choice in RecordedTraces.choices {
            #expect(Policy.presetNames.contains(choice.preset), "\(choice.attack): \(choice.preset) is a preset")
            let name = RecordedTraces.fileName(of: choice)
            #expect(Self.names.contains(name), "Traces/\(name).tl is missing: run tokenlab traces regenerate")
            let onDisk = try? String(contentsOf: Self.root.appendingPathComponent("Traces/\(name).tl"), encoding: .utf8)
            #expect(onDisk == RecordedTraces.script(for: choice), "Traces/\(name).tl is not what the catalog writes: run tokenlab traces regenerate")
        }
        let stray = Self.names.filter { $0.hasPrefix("attack-") && !RecordedTraces.choices.map(RecordedTraces.fileName(of:)).contains($0) }
        #expect(stray.isEmpty, "attack scripts no catalog attack writes: \(stray)")
    }

    @Test func aRecordedAttackShowsTheAttackUnderItsPreset() throws {
        let choice = try #require(RecordedTraces.choices.first { $0.attack == "sniff" })
        let script = try #require(RecordedTraces.script(for: choice))
        #expect(script.hasPrefix("# sniff under the insecure preset: "))
        #expect(script.contains("\nset preset insecure\nlogin alice\ncall alice GET /orders\n# The attack: ") && script.hasSuffix("\nreport\n"))
        let trace = try ScriptRunner.run(script: script, fileName: "attack-sniff.tl", seed: 1, tool: "tokenlab \(toolVersion)").trace
        #expect(trace.contains(#""action":"steal all from alice via sniff","outcome":"got "#), "with TLS off the sniffer gets tokens")
    }

    @Test(arguments: names)
    func aBundledTraceReplaysFromItsOwnInputs(name: String) throws {
        let recorded = try String(contentsOf: Self.root.appendingPathComponent("Traces/\(name).jsonl"), encoding: .utf8)
        let replay = try TraceReplay.run(recorded, name: name)
        #expect(replay.difference == nil && replay.inputs > 5)
        let altered = recorded.replacingOccurrences(of: "\"seed\":1", with: "\"seed\":2")
        let digestLine = altered.split(separator: "\n").count
        #expect(throws: CommandError("\(name):\(digestLine): the digest does not match the lines before it (edited or damaged after it was written)")) {
            try TraceReplay.run(altered, name: name)
        }
        let other = try TraceReplay.run(bytes: resealed(Array(altered.utf8)), name: name)
        #expect(other.difference?.line == 1 + (altered.split(separator: "\n").firstIndex { $0.contains("\"minted\"") } ?? 0),
                "another seed first shows in the first minted fingerprint")
        #expect(throws: CommandError("x:1: expected a JSON object with a \"type\"")) {
            try TraceReplay.run("[1]\n", name: "x")
        }
    }

    @Test func everyScriptInTracesHasItsTrace() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Traces").path)
        for script in names where script.hasSuffix(".tl") {
            #expect(names.contains(script.dropLast(3) + ".jsonl"), "\(script) has no trace beside it")
        }
    }
}
