import Foundation
import Testing
import TokenLabWorld

/// The executable as a user meets it: exit codes, stderr, and trace files.
@Suite struct CommandLineTests {
    static let binary: URL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tokenlab")

    typealias Outcome = ChildProcess.Outcome

    /// Runs the binary with only standard input, output and error (see ChildProcess).
    func tokenlab(_ arguments: [String], input: String = "", environment: [String: String]? = nil) throws -> Outcome {
        let outcome = try ChildProcess.run(Self.binary.path, arguments, input: input, environment: environment)
        #expect(!outcome.timedOut, "tokenlab \(arguments.joined(separator: " ")) did not finish and was killed")
        return outcome
    }

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tokenlab-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func helpListsTheSubcommands() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the tokenlab product first: \(Self.binary.path)")
        let help = try tokenlab(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("run") && help.stdout.contains("bench"))
    }

    @Test func policyHelpNamesEveryPreset() throws {
        for subcommand in ["run", "repl"] {
            let help = try tokenlab([subcommand, "--help"])
            let flat = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            for preset in ["insecure", "baseline", "rotation", "bcp", "introspection", "dpop"] {
                #expect(flat.contains(preset), "\(subcommand) --help does not name \(preset)")
            }
        }
    }

    @Test func aGoodScriptPrintsTheSeedFirstAndWritesItsTrace() throws {
        let dir = try temporaryDirectory()
        let script = dir.appendingPathComponent("ok.tl"), trace = dir.appendingPathComponent("ok.jsonl")
        try "login alice\ncall alice GET /orders\n".write(to: script, atomically: true, encoding: .utf8)
        let run = try tokenlab(["run", script.path, "--trace", trace.path, "--seed", "7"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("tokenlab 0.1.0  seed 7  policy baseline"))
        let written = try String(contentsOf: trace, encoding: .utf8)
        #expect(written.hasPrefix("{\"type\":\"header\"") && written.contains("\"seed\":7"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["ok.jsonl", "ok.tl"], "no temporary file left behind")
    }

    @Test func aBadScriptNamesFileAndLineExitsOneAndLeavesTheOldTraceAlone() throws {
        let dir = try temporaryDirectory()
        let script = dir.appendingPathComponent("bad.tl"), trace = dir.appendingPathComponent("keep.jsonl")
        try "login alice\n\nlgoin bob\n".write(to: script, atomically: true, encoding: .utf8)
        try "a good trace\n".write(to: trace, atomically: true, encoding: .utf8)
        let run = try tokenlab(["run", script.path, "--trace", trace.path])
        #expect(run.status == 1)
        #expect(run.stderr == "\(script.path):3: unknown command 'lgoin'; did you mean 'login'? (help lists them)\n")
        #expect(try String(contentsOf: trace, encoding: .utf8) == "a good trace\n")
    }

    @Test func aMissingScriptOrBadOptionIsAOneLineError() throws {
        let missing = try tokenlab(["run", "/nonexistent/x.tl"])
        #expect(missing.status == 1 && missing.stderr == "tokenlab: cannot read /nonexistent/x.tl: No such file or directory\n")
        let empty = try temporaryDirectory().appendingPathComponent("empty.tl")
        try "".write(to: empty, atomically: true, encoding: .utf8)
        let preset = try tokenlab(["run", empty.path, "--policy", "paranoid"])
        #expect(preset.status == 1 && preset.stderr.contains("unknown preset 'paranoid'"))
        let bench = try tokenlab(["bench", "--clients", "0"])
        #expect(bench.status != 0 && bench.stderr.contains("--clients takes 1...1000000"))
    }

    @Test func theBenchPrintsItsFigures() throws {
        let bench = try tokenlab(["bench", "--clients", "20", "--hours", "1"])
        #expect(bench.status == 0)
        for label in ["clients", "calls", "events", "wall s", "calls/s", "events/s", "peak memory"] {
            #expect(bench.stdout.contains(label), "\(label)")
        }
        #expect(bench.stdout.contains("calls         2380  (200: 2380)"), "\(bench.stdout)")
        let repl = try tokenlab(["bench", "repl", "--runs", "1"])
        #expect(repl.status == 0 && repl.stdout.contains("diagram") && repl.stdout.contains("undo on a 500-command session"))
    }

    @Test func theMatrixIsTheSameOnOneCoreAndOnAll() throws {
        let one = try tokenlab(["matrix", "--jobs", "1"])
        let all = try tokenlab(["matrix"])
        #expect(one.status == 0 && one.stdout == all.stdout)
        #expect(one.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 }, "the grid fits 80 columns")
        #expect(one.stdout.split(separator: "\n").contains { $0.hasPrefix("sniff ") && $0.contains(" 90d ") }, "\(one.stdout)")
        let table = try tokenlab(["matrix", "--format", "table"])
        #expect(table.stdout.split(separator: "\n").contains { $0.hasPrefix("xss-proxy ") && $0.contains(" bcp ") && $0.hasSuffix("nothing (by 00:50:01)") })
        let fitted = try tokenlab(["matrix", "--format", "table", "--width", "80"])
        #expect(fitted.status == 0 && fitted.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
        let json = try tokenlab(["matrix", "--format", "json"])
        #expect(json.status == 0 && json.stdout.hasPrefix("[\n  {\n    \"attack\": \"xss-once\""))
        let bad = try tokenlab(["matrix", "--format", "pdf"])
        #expect(bad.status != 0 && bad.stderr.contains("pdf"))
    }

    @Test func compareShowsOneScriptUnderTwoPolicies() throws {
        let dir = try temporaryDirectory()
        let script = dir.appendingPathComponent("c.tl")
        try "login alice\nsteal all from alice via xss\nas mallory call GET /orders\n".write(to: script, atomically: true, encoding: .utf8)
        let run = try tokenlab(["compare", script.path, "--policy", "baseline", "--policy", "bcp"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("baseline: 1 requests, usable for ") && run.stdout.contains("bcp: no successful use, never usable; stopped: the token is in an HttpOnly cookie"))
        let one = try tokenlab(["compare", script.path, "--policy", "bcp"])
        #expect(one.status != 0 && one.stderr.contains("give exactly two --policy PRESET[,KEY=VALUE...] options"))
    }

    @Test func compareTakesSettingsOnEachSideAndWarnsWhenTheScriptSetsItsOwnPreset() throws {
        let dir = try temporaryDirectory()
        let script = dir.appendingPathComponent("c.tl")
        try "login alice\nsteal refresh from alice via xss\nadvance 16m\ncall alice GET /orders\nas mallory refresh\n"
            .write(to: script, atomically: true, encoding: .utf8)
        let run = try tokenlab(["compare", script.path, "--policy", "rotation", "--policy", "rotation,refresh.reuse_detection=off"])
        #expect(run.status == 0 && run.stderr.isEmpty, "\(run.stderr)")
        #expect(run.stdout.contains("   rotation: no successful use, usable for 16m60ms; stopped: rotation"), "\(run.stdout)")
        #expect(run.stdout.contains("   rotation,refresh.reuse_detection=off: no successful use, usable for 16m60ms; stopped: rotation"), "\(run.stdout)")
        let bad = try tokenlab(["compare", script.path, "--policy", "rotation", "--policy", "rotation,refresh.grace"])
        #expect(bad.status != 0 && bad.stderr.contains("'refresh.grace' is not KEY=VALUE"))
        let unknown = try tokenlab(["compare", script.path, "--policy", "rotation", "--policy", "rotation,grace=2s"])
        #expect(unknown.status == 1 && unknown.stderr.hasPrefix("grace=2s: unknown policy key 'grace'"), "\(unknown.stderr)")

        let presetting = dir.appendingPathComponent("p.tl")
        try "set preset rotation\nlogin alice\n".write(to: presetting, atomically: true, encoding: .utf8)
        let warned = try tokenlab(["compare", presetting.path, "--policy", "baseline", "--policy", "bcp"])
        #expect(warned.stderr.hasPrefix("warning: \(presetting.path):1: the script sets its own preset (rotation)"), "\(warned.stderr)")
    }

    @Test func pipedInputRunsWithoutAPromptAndFailsIfAnyLineFailed() throws {
        let run = try tokenlab([], input: "login alice\nlgoin bob\n\u{1}\ncall alice GET /orders\n")
        #expect(run.status == 1)
        #expect(!run.stdout.contains("tokenlab 00:00:00>"), "no prompt noise")
        #expect(run.stdout.hasSuffix("GET /orders  Bearer at1  200 3 orders\n"), "the session went on after the bad lines")
        #expect(run.stderr == "<stdin>:2: unknown command 'lgoin'; did you mean 'login'? (help lists them)\n<stdin>:3: control character U+1 in line\n")
    }

    @Test func aHugeColumnsIsClampedSoPicturesStaySmallAndFast() throws {
        let run = try tokenlab([], input: "login alice\ncall alice GET /orders\ndiagram\ntimeline\n",
                               environment: ["COLUMNS": "2147483647", "NO_COLOR": "1"])
        #expect(run.status == 0, "\(run.stderr)")
        let widest = run.stdout.split(separator: "\n").map(\.count).max() ?? 0
        #expect(widest <= 400, "a picture was drawn \(widest) columns wide")
        #expect(run.stdout.contains("▶"), "the diagram was drawn")
    }

    @Test func aScriptRunIsStreamedNotHeld() throws {
        var emitted: [String] = []
        let run = try ScriptRunner.run(script: "login alice\ncall alice GET /orders\n", fileName: "s.tl", seed: 1,
                                       tool: "test", recordsTrace: false, emit: { emitted.append($0.text) })
        #expect(run.output.isEmpty && emitted.count >= 4, "lines went to emit as they ran: \(emitted)")
    }

    @Test func withColumns80EveryLineOfTheBundledScriptsFits() throws {
        let traces = ReadmeTests.root.appendingPathComponent("Traces")
        let scripts = try FileManager.default.contentsOfDirectory(atPath: traces.path).filter { $0.hasSuffix(".tl") }.sorted()
        #expect(!scripts.isEmpty)
        for script in scripts {
            let run = try tokenlab(["run", traces.appendingPathComponent(script).path], environment: ["COLUMNS": "80", "NO_COLOR": "1"])
            #expect(run.status == 0, "\(script): \(run.stderr)")
            let wide = run.stdout.split(separator: "\n").filter { $0.count > 80 }
            let example = wide.first.map { String($0) } ?? ""
            #expect(wide.isEmpty, "\(script): \(wide.count) lines wider than 80, e.g. \(example)")
        }
    }
}

