import Foundation
import Testing
import TokenLabTokens

/// `tokenlab replay FILE --verify` for CI and `--step` for the classroom,
/// as a user meets them: exit codes, what is printed and where.
@Suite struct ReplayCommandTests {
    let cli = CommandLineTests()

    func traceFile(_ script: String) throws -> URL {
        let dir = try cli.temporaryDirectory()
        let source = dir.appendingPathComponent("story.tl"), trace = dir.appendingPathComponent("story.jsonl")
        try script.write(to: source, atomically: true, encoding: .utf8)
        let run = try cli.tokenlab(["run", source.path, "--trace", trace.path, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        return trace
    }

    static let story = "# mallory steals and refreshes\nset preset rotation\nlogin alice\nsteal all from alice via xss\nadvance 16m\nas mallory refresh\ncall alice GET /orders\n"

    /// The same bytes with a new digest, as anyone can make one.
    static func resealed(_ text: String) -> Data {
        var lines = text.split(separator: "\n").map(String.init)
        let last = lines.removeLast()
        let body = lines.joined(separator: "\n") + "\n"
        let digest = sha256(body).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        let sealed = last.replacingOccurrences(of: #""sha256":"[0-9a-f]*""#, with: "\"sha256\":\"\(digest)\"", options: .regularExpression)
        return Data((body + sealed + "\n").utf8)
    }

    @Test func verifyIsSilentAndExitsZeroForAnIdenticalReplay() throws {
        let trace = try traceFile(Self.story)
        let verified = try cli.tokenlab(["replay", trace.path, "--verify"])
        #expect(verified.status == 0 && verified.stdout.isEmpty && verified.stderr.isEmpty, "\(verified)")
        for bundled in ["Traces/demo.jsonl", "Traces/stolen-refresh.jsonl"] {
            let outcome = try cli.tokenlab(["replay", ReadmeTests.root.appendingPathComponent(bundled).path, "--verify"])
            #expect(outcome.status == 0 && outcome.stdout.isEmpty && outcome.stderr.isEmpty, "\(bundled): \(outcome)")
        }
    }

    @Test func verifyExitsOneWithOneFileLineMessageOtherwise() throws {
        let trace = try traceFile(Self.story)
        let text = try String(contentsOf: trace, encoding: .utf8)
        let dir = trace.deletingLastPathComponent()

        // An event edited by hand and resealed: the file is well formed, the replay differs at that line.
        let lines = text.split(separator: "\n").map(String.init)
        let refresh = try #require(lines.firstIndex { $0.contains("(rt1 rotated)") })
        let edited = dir.appendingPathComponent("edited.jsonl")
        try Self.resealed(text.replacingOccurrences(of: "(rt1 rotated)", with: "(rt1 kept)")).write(to: edited)
        // A damaged file: the digest no longer matches. A missing one.
        let damaged = dir.appendingPathComponent("damaged.jsonl")
        try Data(text.replacingOccurrences(of: "(rt1 rotated)", with: "(rt1 kept)").utf8).write(to: damaged)
        let missing = dir.appendingPathComponent("missing.jsonl")

        let expected: [(URL, String)] = [
            (edited, "\(edited.path):\(refresh + 1): the replay differs from the recorded trace here"),
            (damaged, "\(damaged.path):\(lines.count): the digest does not match"),
            (missing, "\(missing.path): cannot read: No such file or directory"),
        ]
        for (file, message) in expected {
            let outcome = try cli.tokenlab(["replay", file.path, "--verify"])
            #expect(outcome.status == 1, "\(file.lastPathComponent): \(outcome)")
            #expect(outcome.stdout.isEmpty)
            #expect(outcome.stderr.hasPrefix(message) && outcome.stderr.filter { $0 == "\n" }.count == 1, "\(outcome.stderr)")
        }
        #expect(try cli.tokenlab(["replay", trace.path, "--verify", "--step"]).status != 0)
    }

    @Test func stepOpensTheReplInSteppingMode() throws {
        let trace = try traceFile(Self.story)
        let outcome = try cli.tokenlab(["replay", trace.path, "--step"], input: "step\nstep\nstep\nwallet mallory\nback\ngoto 99\ngoto 00:16:00.080\nrun\nquit\n")
        #expect(outcome.status == 1, "goto 99 failed, so the exit status says so")
        let out = outcome.stdout
        #expect(out.hasPrefix("stepping through \(trace.path): 6 steps, seed 1, policy baseline; nothing run yet\n"), "\(out)")
        #expect(out.contains("# mallory steals and refreshes\nstep 1/6  > set preset rotation\n"))
        #expect(out.contains("↳ mallory now holds rt1: she can refresh with rt1"))
        #expect(out.contains("at step 2/6  00:00:00.080  after: login alice\n"))
        #expect(out.contains("at step 4/6  00:16:00.080  after: advance 16m\n"))
        #expect(out.contains("↳ the auth server saw rt1 a second time: reuse, family fam1 revoked; no new tokens"))
        #expect(outcome.stderr == "<stdin>:6: goto: step 99 is past the end (steps 0 to 6)\n")
    }

    @Test func steppingAMissingOrMalformedFileIsOneLineAndTheReplGoesOn() throws {
        let dir = try cli.temporaryDirectory()
        let bad = dir.appendingPathComponent("bad.jsonl")
        try "{\"type\":\"header\"}\n".write(to: bad, atomically: true, encoding: .utf8)
        let outcome = try cli.tokenlab([], input: "replay \(dir.path)/none.jsonl\nreplay \(bad.path)\nstep\nlogin alice\n")
        #expect(outcome.stderr.split(separator: "\n").map(String.init) == [
            "<stdin>:1: cannot read \(dir.path)/none.jsonl: No such file or directory",
            "<stdin>:2: \(bad.path):1: not a tokenlab trace (expected format tokenlab-trace)",
            "<stdin>:3: step: not stepping through a trace (replay FILE starts)",
        ])
        #expect(outcome.stdout.contains("200 at1 rt1 fam1"), "the session went on")
        let cli = try self.cli.tokenlab(["replay", bad.path, "--step"])
        #expect(cli.status == 1 && cli.stderr == "\(bad.path):1: not a tokenlab trace (expected format tokenlab-trace)\n")
    }
}
