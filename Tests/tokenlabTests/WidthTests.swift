import Foundation
import Testing

/// Projector-friendly output: with --width 80, nothing `run` prints is wider:
/// every script in Traces/ (the recorded attacks too), the tables, the pictures.
@Suite struct WidthTests {
    let cli = CommandLineTests()

    @Test func noLineOfABundledScriptOrOfPolicyAndAttacksIsWiderThan80() throws {
        let traces = ReadmeTests.root.appendingPathComponent("Traces")
        var scripts = try FileManager.default.contentsOfDirectory(atPath: traces.path).filter { $0.hasSuffix(".tl") }.sorted()
            .map { traces.appendingPathComponent($0).path }
        let dir = try cli.temporaryDirectory()
        let views = dir.appendingPathComponent("views.tl")
        try ("policy\nset preset bcp\npolicy\npolicy diff insecure\nattacks\nhelp\nlogin alice\nsteal all from alice via xss\ntokens\nreport\n"
            + "diagram\ntimeline\nwallet mallory\nshow diagram\ntheme contrast\nhelp show\n")
            .write(to: views, atomically: true, encoding: .utf8)
        scripts.append(views.path)
        #expect(scripts.count >= 3)
        for script in scripts {
            let run = try cli.tokenlab(["run", script, "--width", "80"])
            #expect(run.status == 0, "\(script): \(run.stderr)")
            for line in run.stdout.split(separator: "\n") where line.count > 80 {
                Issue.record("\(script): \(line.count) columns: \(line)")
            }
        }
        let narrow = try cli.tokenlab(["run", views.path, "--width", "20"])
        #expect(narrow.status != 0 && narrow.stderr.contains("--width takes 40...400, got 20"))
    }
}
