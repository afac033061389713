import Foundation
import Testing

/// `tokenlab show`: a trace rendered to standard output or, atomically, to a file.
@Suite struct ShowCommandTests {
    let cli = CommandLineTests()

    @Test func showPrintsMermaidAndWritesAHandoutAtomically() throws {
        let trace = ReadmeTests.root.appendingPathComponent("Traces/stolen-refresh.jsonl").path
        let mermaid = try cli.tokenlab(["show", trace, "--as", "mermaid"])
        #expect(mermaid.status == 0 && mermaid.stderr.isEmpty, "\(mermaid.stderr)")
        #expect(mermaid.stdout.hasPrefix("sequenceDiagram\n") && mermaid.stdout.contains("    alice.browser->>mallory: xss: rt1\n"))
        let dir = try cli.temporaryDirectory()
        let out = dir.appendingPathComponent("handout.md")
        let written = try cli.tokenlab(["show", trace, "--as", "markdown", "--output", out.path])
        #expect(written.status == 0 && written.stdout.isEmpty, "\(written.stderr)")
        let handout = try String(contentsOf: out, encoding: .utf8)
        #expect(handout.hasPrefix("# \(trace)\n") && handout.contains("\n```mermaid\nsequenceDiagram\n"))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(files == ["handout.md"], "no temporary file left behind")
        let text = try cli.tokenlab(["show", trace])
        #expect(text.status == 0 && text.stdout.contains("\n# XSS steals alice's tokens; rotation with reuse detection catches it,\n"))
    }

    @Test func badInputIsOneLine() throws {
        let missing = try cli.tokenlab(["show", "/nonexistent/t.jsonl", "--as", "mermaid"])
        #expect(missing.status == 1 && missing.stderr == "tokenlab: cannot read /nonexistent/t.jsonl: No such file or directory\n")
        let dir = try cli.temporaryDirectory()
        let script = dir.appendingPathComponent("demo.tl")
        try "login alice\n".write(to: script, atomically: true, encoding: .utf8)
        let notATrace = try cli.tokenlab(["show", script.path, "--as", "markdown"])
        #expect(notATrace.status == 1 && notATrace.stderr.hasPrefix("\(script.path):1: not JSON") && notATrace.stdout.isEmpty)
        #expect(notATrace.stderr.split(separator: "\n").count == 1, "\(notATrace.stderr)")
        let format = try cli.tokenlab(["show", script.path, "--as", "svg"])
        #expect(format.status != 0 && format.stderr.contains("svg"))
        let onto = try cli.tokenlab(["show", script.path, "--output", script.path])
        let after = try String(contentsOf: script, encoding: .utf8)
        #expect(onto.status == 1 && after == "login alice\n", "a failed show never touches the output")
    }
}
