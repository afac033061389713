import TokenLabCore
import TokenLabTokens
import Testing
@testable import TokenLabWorld

/// FoundationDB's rule: determinism is checked, not assumed.
@Suite struct DeterminismTests {
    static let script = ScenarioTests.script + "\nadvance 1h\ntokens\nstatus\n"

    @Test(arguments: [1, 2, 99] as [UInt64])
    func theSameSeedAndScriptGiveByteIdenticalTraces(seed: UInt64) throws {
        let first = try runScript(Self.script, seed: seed).trace
        let second = try runScript(Self.script, seed: seed).trace
        #expect(first == second, "seed \(seed)")
        #expect(first.hasSuffix("\n") && first.contains("\"type\":\"digest\""))
    }

    @Test func aDifferentSeedChangesTokenIdsAndNothingElse() throws {
        let one = try runScript(Self.script, seed: 1).trace.split(separator: "\n").map(String.init)
        let two = try runScript(Self.script, seed: 2).trace.split(separator: "\n").map(String.init)
        #expect(one.count == two.count)
        var differing = 0
        for (a, b) in zip(one, two) where a != b {
            let aJSON = try JSONValue.parse(a), bJSON = try JSONValue.parse(b)
            switch aJSON["type"]?.stringValue {
            case "header": #expect(without(["seed"], aJSON) == without(["seed"], bJSON))
            case "digest": #expect(without(["sha256"], aJSON) == without(["sha256"], bJSON))
            case "event":
                differing += 1
                #expect(without(["minted"], aJSON) == without(["minted"], bJSON), "only minted fingerprints may differ: \(a)")
                #expect(aJSON["minted"] != bJSON["minted"])
            default: Issue.record("unexpected difference: \(a) vs \(b)")
            }
        }
        #expect(differing == 5, "the five events that mint codes or tokens (two authorizations, two code redemptions, one refresh) differ by their fingerprints")
    }

    @Test func anAttackerStreamDoesNotShiftTheAuthServersIds() {
        var auth = RandomStream(seed: 5, name: "auth.jti")
        let alone = (0..<4).map { _ in auth.next() }
        var auth2 = RandomStream(seed: 5, name: "auth.jti")
        var attacker = RandomStream(seed: 5, name: "attacker.mallory")
        var interleaved: [UInt64] = []
        for _ in 0..<4 { _ = attacker.next(); interleaved.append(auth2.next()) }
        #expect(alone == interleaved)
    }

    private func without(_ keys: Set<String>, _ value: JSONValue) -> JSONValue {
        guard case .object(let members) = value else { return value }
        return .object(members.filter { !keys.contains($0.key) })
    }
}
