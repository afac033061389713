import ArgumentParser
import Foundation
import TokenLabWorld

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a script of tokenlab commands (.tl) in a fresh world.",
        discussion: "Stops at the first bad line with FILE:LINE: message and exit status 1; then no trace is written."
    )

    @Argument(help: "The script: one command a line, '#' starts a comment.", completion: .file(extensions: ["tl"]))
    var script: String

    @Option(name: .long, help: "Write the run as a JSON Lines trace to this file (atomically).")
    var trace: String?

    @Option(name: .long, help: "The seed of every random choice in the world.")
    var seed: UInt64 = 1

    @Option(name: .long, help: ArgumentHelp("The starting policy preset: \(Policy.presetNames.joined(separator: ", ")).", valueName: "preset"))
    var policy: String = "baseline"

    @Flag(name: .long, help: "Print nothing but errors.")
    var quiet = false

    @Option(name: .long, help: "Fit every printed line to N columns (40-400): tables narrow, long lines wrap with a hanging indent. Without it, nothing is wrapped.")
    var width: Int?

    func validate() throws {
        if let width, !Terminal.widths.contains(width) { throw ValidationError("--width takes 40...400, got \(width)") }
    }

    func run() throws {
        // Refused before running, so a mistyped --trace costs nothing.
        if let trace {
            let target: Files.FileIdentity?
            do { target = try Files.writeTarget(trace).identity } catch {
                throw Files.fail("tokenlab: cannot write trace \(trace): \(error.reason)")
            }
            if let target, Files.FileIdentity.of(script) == target {
                throw Files.fail("tokenlab: cannot write trace \(trace): it is the script itself; choose another output file")
            }
        }
        let text = try Files.readArgument(script)
        // The seed first (a run is reproduced from it), then each line as it runs.
        let result: ScriptRun
        // Narration is dim on a terminal; events stay plain, as before.
        let colors = Terminal.wantsColor
        let theme = Terminal.theme
        let width = self.width ?? Terminal.fitWidth
        // Wrapped before painting, so escape codes never count as columns.
        func show(_ item: OutputItem) {
            for piece in width.map({ TextWrap.fitted(item.text, width: $0) }) ?? [item.text] {
                print(item.isNote ? EventStyle.narration(piece, colors: colors, theme: theme) : piece)
            }
        }
        if !quiet { show(.text("tokenlab \(TokenLab.version)  seed \(seed)  policy \(policy)  script \(script)")) }
        do {
            result = try ScriptRunner.run(script: text, fileName: script, seed: seed, preset: policy,
                                          tool: "tokenlab \(TokenLab.version)", recordsTrace: trace != nil, width: width,
                                          emit: quiet ? { _ in } : show)
        } catch {
            fflush(nil)
            throw Files.fail(error.message)
        }
        if let trace {
            do { try Files.writeAtomically(result.trace, to: trace, inputs: [script]) } catch {
                throw Files.fail("tokenlab: cannot write trace \(trace): \(error.reason)")
            }
        }
    }
}
