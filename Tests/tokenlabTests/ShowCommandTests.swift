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

/// `show --as diagram|html`, the theme from the environment, and `traces regenerate`.
@Suite struct ExportCommandTests {
    let cli = CommandLineTests()
    static let trace = ReadmeTests.root.appendingPathComponent("Traces/stolen-refresh.jsonl").path

    @Test func theDiagramFitsTheWidthAndThePageIsWrittenAtomically() throws {
        let narrow = try cli.tokenlab(["show", Self.trace, "--as", "diagram", "--width", "60"])
        #expect(narrow.status == 0 && narrow.stdout.split(separator: "\n").allSatisfy { $0.count <= 60 }, "\(narrow.stdout)")
        #expect(narrow.stdout.contains("xss: rt1") && !narrow.stdout.contains("\u{1B}["), "piped: no colour")
        let piped = try cli.tokenlab(["show", Self.trace, "--as", "diagram"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(piped.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 }, "no terminal and no COLUMNS: 80")
        let dir = try cli.temporaryDirectory()
        let page = dir.appendingPathComponent("page.html")
        let written = try cli.tokenlab(["show", Self.trace, "--as", "html", "--output", page.path])
        #expect(written.status == 0 && written.stdout.isEmpty, "\(written.stderr)")
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<title>tokenlab: \(Self.trace)</title>"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["page.html"], "no temporary file left behind")
        let wide = try cli.tokenlab(["show", Self.trace, "--as", "diagram", "--width", "20"])
        #expect(wide.status != 0 && wide.stderr.contains("--width takes 40...400, got 20"))
    }

    @Test func anUnknownThemeIsSaidOnceAndTheDefaultUsed() throws {
        let script = ReadmeTests.root.appendingPathComponent("Traces/demo.tl").path
        let run = try cli.tokenlab(["run", script, "--quiet"], environment: ["TOKENLAB_THEME": "neon", "PATH": "/usr/bin:/bin"])
        #expect(run.status == 0 && run.stderr == "tokenlab: TOKENLAB_THEME 'neon' is not default, contrast, plain; using default\n")
        let contrast = try cli.tokenlab(["run", script, "--quiet"], environment: ["TOKENLAB_THEME": "contrast", "PATH": "/usr/bin:/bin"])
        #expect(contrast.status == 0 && contrast.stderr.isEmpty)
    }

    @Test func tracesRegenerateChecksAndRepairsAStaleTrace() throws {
        let dir = try cli.temporaryDirectory()
        let traces = ReadmeTests.root.appendingPathComponent("Traces")
        for name in try FileManager.default.contentsOfDirectory(atPath: traces.path) where name.hasSuffix(".tl") || name.hasSuffix(".jsonl") {
            try FileManager.default.copyItem(at: traces.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
        let clean = try cli.tokenlab(["traces", "regenerate", "--check", "--directory", dir.path])
        #expect(clean.status == 0 && clean.stdout.hasSuffix("every trace in \(dir.path) is what its script records today\n"), "\(clean.stdout)\(clean.stderr)")
        let demo = dir.appendingPathComponent("demo.tl")
        try (try String(contentsOf: demo, encoding: .utf8) + "advance 1m\n").write(to: demo, atomically: true, encoding: .utf8)
        let sniff = dir.appendingPathComponent("attack-sniff.tl")
        try "login alice\n".write(to: sniff, atomically: true, encoding: .utf8)
        let stale = try cli.tokenlab(["traces", "regenerate", "--check", "--directory", dir.path])
        #expect(stale.status == 1 && stale.stdout.contains("out of date: \(dir.path)/demo.jsonl") && stale.stdout.contains("out of date: \(sniff.path)\n"))
        #expect(!stale.stdout.contains("attack-sniff.jsonl"), "the attack's trace is checked against what its script should be")
        let repaired = try cli.tokenlab(["traces", "regenerate", "--directory", dir.path])
        #expect(repaired.status == 0 && repaired.stdout.contains("wrote \(sniff.path)\n") && repaired.stdout.contains("wrote \(dir.path)/demo.jsonl\n"))
        #expect(try cli.tokenlab(["traces", "regenerate", "--check", "--directory", dir.path]).status == 0)
        #expect(try cli.tokenlab(["replay", dir.appendingPathComponent("demo.jsonl").path, "--quiet"]).status == 0)
    }

    static let browserReady = ["/usr/bin/chromium", "/usr/bin/chromedriver", "/usr/lib/python3/dist-packages/selenium"]
        .allSatisfy { FileManager.default.fileExists(atPath: $0) }

    /// The real-browser check on one page (CI runs it on every bundled trace);
    /// only where Debian's chromium, chromium-driver and python3-selenium are installed.
    @Test(.enabled(if: browserReady)) func thePageStepsThroughInChromium() throws {
        let dir = try cli.temporaryDirectory()
        try FileManager.default.copyItem(atPath: Self.trace, toPath: dir.appendingPathComponent("stolen-refresh.jsonl").path)
        let checker = ReadmeTests.root.appendingPathComponent("Tests/browser/check_html.py").path
        let outcome = try ChildProcess.run("/usr/bin/python3", [checker, CommandLineTests.binary.path, dir.path],
                                           environment: ["PATH": "/usr/bin:/bin", "HOME": dir.path], deadline: 240)
        #expect(!outcome.timedOut, "the browser check did not finish in 240 s and was killed")
        #expect(outcome.status == 0 && outcome.stdout.contains("ok stolen-refresh.html: 13 steps")
                && outcome.stdout.contains("ok the check catches a page that fetches from the network"), "\(outcome.stdout)\(outcome.stderr)")
    }
}
