import Foundation
import Testing

/// Every transcript in README.md runs exactly as shown and prints what is
/// shown. Two kinds of block are transcripts:
/// - shell: `$ tokenlab ARGS` (or `$ swift run tokenlab ARGS`) lines, each
///   followed by its output;
/// - REPL: `tokenlab 00:00:00> COMMAND` lines (`tokenlab[step 3/11] 00:16:00>`
///   while stepping through a trace), each followed by its output (run as
///   one session through standard input).
/// In the expected output a line `…` stands for any number of lines, and a
/// line ending in `…` for any line that starts with what precedes it.
@Suite struct ReadmeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Transcript {
        var line: Int
        var isRepl: Bool
        var steps: [(input: String, expected: [String])] = []
    }

    static func transcripts(in markdown: String) -> [Transcript] {
        var transcripts: [Transcript] = []
        var current: Transcript?
        var inBlock = false
        for (number, line) in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).enumerated() {
            if line.hasPrefix("```") {
                if inBlock, let done = current, !done.steps.isEmpty { transcripts.append(done) }
                inBlock.toggle()
                current = nil
                continue
            }
            guard inBlock else { continue }
            if let command = shellCommand(line) {
                if current == nil { current = Transcript(line: number + 1, isRepl: false) }
                current?.steps.append((command, []))
            } else if let range = line.range(of: #"^tokenlab(\[seed \d+\])?(\[step \d+/\d+\])? [0-9:d ]+> "#, options: .regularExpression) {
                if current == nil { current = Transcript(line: number + 1, isRepl: true) }
                current?.steps.append((String(line[range.upperBound...]), []))
            } else if var transcript = current, !transcript.steps.isEmpty {
                transcript.steps[transcript.steps.count - 1].expected.append(line)
                current = transcript
            }
        }
        return transcripts
    }

    static func shellCommand(_ line: String) -> String? {
        for prefix in ["$ swift run tokenlab", "$ tokenlab"] where line == prefix || line.hasPrefix(prefix + " ") {
            return String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// Whether `actual` is what `expected` shows, with its elisions.
    static func matches(_ expected: [String], _ actual: [String]) -> Bool {
        if expected.isEmpty { return actual.isEmpty }
        let first = expected[0]
        if first == "…" {
            return (0...actual.count).contains { matches(Array(expected.dropFirst()), Array(actual.dropFirst($0))) }
        }
        guard let line = actual.first else { return false }
        let fits = first.hasSuffix("…") ? line.hasPrefix(first.dropLast()) : line == first
        return fits && matches(Array(expected.dropFirst()), Array(actual.dropFirst()))
    }

    static func run(_ arguments: String, input: String = "") throws -> ChildProcess.Outcome {
        // Words split on spaces; the README uses no quoting.
        let words = arguments.split(separator: " ").map(String.init)
        return try ChildProcess.run("sh", ["-c", "cd \"$0\" && exec \"$@\"", root.path, CommandLineTests.binary.path] + words,
                                    input: input, environment: ["NO_COLOR": "1", "PATH": "/usr/bin:/bin", "COLUMNS": "80"])
    }

    @Test func readmeHasTranscripts() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let found = Self.transcripts(in: readme)
        #expect(found.contains { $0.isRepl } && found.contains { !$0.isRepl }, "the README shows a shell and a REPL transcript")
    }

    @Test func everyReadmeTranscriptPrintsWhatItShows() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        for transcript in Self.transcripts(in: readme) {
            if transcript.isRepl {
                let input = transcript.steps.map { $0.input + "\n" }.joined()
                let outcome = try Self.run("", input: input)
                let actual = outcome.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast()
                let expected = transcript.steps.flatMap(\.expected)
                #expect(Self.matches(expected, Array(actual)),
                        "README.md:\(transcript.line): the REPL transcript differs; tokenlab printed:\n\(outcome.stdout)\(outcome.stderr)")
            } else {
                for step in transcript.steps {
                    let outcome = try Self.run(step.input)
                    let actual = outcome.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast()
                    #expect(Self.matches(step.expected, Array(actual)),
                            "README.md:\(transcript.line): `tokenlab \(step.input)` differs; it printed:\n\(outcome.stdout)\(outcome.stderr)")
                }
            }
        }
    }

    @Test func elisionsMatchWhatTheyShouldAndNothingElse() {
        #expect(Self.matches(["a", "…", "d"], ["a", "b", "c", "d"]))
        #expect(Self.matches(["a", "…"], ["a"]))
        #expect(Self.matches(["b…"], ["b and more"]))
        #expect(!Self.matches(["a", "d"], ["a", "b", "d"]))
        #expect(!Self.matches(["a"], ["a", "b"]))
        #expect(!Self.matches(["b…"], ["a b"]))
    }
}
