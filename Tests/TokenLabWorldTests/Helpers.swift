import TokenLabCore
@testable import TokenLabWorld

/// Runs a script the way `tokenlab run` does and returns its output lines.
func runScript(_ script: String, seed: UInt64 = 1, preset: String = "baseline") throws -> ScriptRun {
    try ScriptRunner.run(script: script, fileName: "test.tl", seed: seed, preset: preset, tool: "tokenlab test")
}

/// An interpreter on a fresh world, for step-by-step scenarios.
func session(seed: UInt64 = 1, preset: String = "baseline") -> Interpreter {
    let world = World(seed: seed)
    world.setPolicy(Policy.preset(named: preset)!, presetName: preset)
    return Interpreter(world: world)
}

extension Interpreter {
    /// Runs lines that must all succeed; returns every output line.
    @discardableResult
    func run(_ lines: String...) -> [String] {
        var output: [String] = []
        for line in lines {
            let result = execute(line)
            if let error = result.error { output.append("ERROR \(line): \(error.message)") }
            output += result.output
        }
        return output
    }

    func outcomes(of line: String) -> [String] { execute(line).events.map { $0.action + "  " + $0.outcome } }
}
