import ArgumentParser
import TokenLabWorld

extension TraceView.Format: ExpressibleByArgument {}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a trace as text, a terminal or Mermaid sequence diagram, a Markdown handout, one self-contained HTML page or JSON.",
        discussion: "The trace is checked as replay checks it; a bad file is one line FILE:LINE: message and exit status 1."
    )

    @Argument(help: "A trace written by run --trace or save.", completion: .file(extensions: ["jsonl"]))
    var trace: String

    @Option(name: .customLong("as"), help: ArgumentHelp("The format: \(TraceView.Format.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "format"))
    var format: TraceView.Format = .text

    @Option(name: .long, help: "Write to this file (atomically) instead of standard output.")
    var output: String?

    @Option(name: .long, help: "Fit the terminal diagram to N columns (40-400); default: the terminal's width, else COLUMNS, else 80.")
    var width: Int?

    func validate() throws {
        if let width, !Terminal.widths.contains(width) { throw ValidationError("--width takes 40...400, got \(width)") }
    }

    func run() throws {
        let bytes = try Files.readArgumentBytes(trace)
        let view: TraceView
        do { view = try TraceView.read(bytes, name: trace) } catch { throw Files.fail(error.message) }
        // Colour only for the terminal diagram, printed on a terminal.
        let colors = output == nil && Terminal.wantsColor
        let text = view.render(as: format, width: width ?? Terminal.width, colors: colors, theme: Terminal.theme)
            .joined(separator: "\n") + "\n"
        guard let output else {
            print(text, terminator: "")
            return
        }
        do { try Files.writeAtomically(text, to: output, inputs: [trace]) } catch {
            throw Files.fail("tokenlab: cannot write \(output): \(error.reason)")
        }
    }
}
