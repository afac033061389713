import Testing
@testable import TokenLabWorld

/// `help COMMAND` shows an example; every example runs as shown.
@Suite struct HelpExampleTests {
    @Test(arguments: CommandSpec.all.map(\.name))
    func theHelpExampleRuns(name: String) throws {
        let spec = try #require(CommandSpec.named(name))
        let session = try Session(seed: 1, preset: "baseline")
        // A world where every example has something to act on.
        for line in ["login alice", "call alice GET /orders", "steal all from alice via xss", "steal code from alice via logs"] {
            #expect(session.execute(line).error == nil)
        }
        // The stepping commands' examples run while stepping through that world's trace, two steps in.
        if ["step", "back", "goto", "run"].contains(name) {
            #expect(session.startStepping(bytes: Array(session.trace.utf8), name: "help.jsonl").error == nil)
            #expect(session.execute("step").error == nil && session.execute("step").error == nil)
        }
        let result = session.execute(spec.example)
        #expect(result.error == nil, "help \(name): example '\(spec.example)' fails: \(result.error?.message ?? "")")
        #expect(try HelpView.lines(for: name).contains("example: \(spec.example)"))
    }
}
