import Foundation
import Testing
@testable import TokenLabWorld

/// The trace shipped in Traces/ is what its script produces today, byte for byte.
@Suite struct BundledTraceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theDemoTraceIsReproducedByteForByte() throws {
        let script = try String(contentsOf: Self.root.appendingPathComponent("Traces/demo.tl"), encoding: .utf8)
        let recorded = try String(contentsOf: Self.root.appendingPathComponent("Traces/demo.jsonl"), encoding: .utf8)
        let fresh = try ScriptRunner.run(script: script, fileName: "Traces/demo.tl", seed: 1, tool: "tokenlab \(toolVersion)").trace
        #expect(fresh == recorded, "regenerate with: swift run tokenlab run Traces/demo.tl --trace Traces/demo.jsonl")
    }
}
