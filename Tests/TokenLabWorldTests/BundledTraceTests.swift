import Foundation
import Testing
@testable import TokenLabWorld

/// The trace shipped in Traces/ is what its script produces today, byte for byte.
@Suite struct BundledTraceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: ["demo", "stolen-refresh"])
    func aBundledTraceIsReproducedByteForByte(name: String) throws {
        let script = try String(contentsOf: Self.root.appendingPathComponent("Traces/\(name).tl"), encoding: .utf8)
        let recorded = try String(contentsOf: Self.root.appendingPathComponent("Traces/\(name).jsonl"), encoding: .utf8)
        let fresh = try ScriptRunner.run(script: script, fileName: "Traces/\(name).tl", seed: 1, tool: "tokenlab \(toolVersion)").trace
        #expect(fresh == recorded, "regenerate with: swift run tokenlab run Traces/\(name).tl --trace Traces/\(name).jsonl")
    }

    @Test(arguments: ["demo", "stolen-refresh"])
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
