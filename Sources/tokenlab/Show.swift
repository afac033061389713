import ArgumentParser
import TokenLabWorld

extension TraceView.Format: ExpressibleByArgument {}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a trace as text, a Mermaid sequence diagram, a Markdown handout or JSON.",
        discussion: "The trace is checked as replay checks it; a bad file is one line FILE:LINE: message and exit status 1."
    )

    @Argument(help: "A trace written by run --trace or save.", completion: .file(extensions: ["jsonl"]))
    var trace: String

    @Option(name: .customLong("as"), help: ArgumentHelp("The format: \(TraceView.Format.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "format"))
    var format: TraceView.Format = .text

    @Option(name: .long, help: "Write to this file (atomically) instead of standard output.")
    var output: String?

    func run() throws {
        let bytes = try Files.readArgumentBytes(trace)
        let view: TraceView
        do { view = try TraceView.read(bytes, name: trace) } catch { throw Files.fail(error.message) }
        let text = view.render(as: format).joined(separator: "\n") + "\n"
        guard let output else {
            print(text, terminator: "")
            return
        }
        do { try Files.writeAtomically(text, to: output, inputs: [trace]) } catch {
            throw Files.fail("tokenlab: cannot write \(output): \(error.reason)")
        }
    }
}
