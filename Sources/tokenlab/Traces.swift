import ArgumentParser
import Foundation
import TokenLabWorld

struct TracesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traces",
        abstract: "The recorded traces in Traces/.",
        subcommands: [Regenerate.self]
    )

    struct Regenerate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the attack scripts from the catalog and every trace from its script.",
            discussion: """
                Writes attack-NAME.tl for every catalog attack (under the preset where it teaches most), then runs \
                every .tl in the directory with seed 1 and writes its .jsonl beside it, atomically. Files that are \
                already right are left alone. With --check nothing is written: it lists what is out of date and \
                exits 1 if anything is.
                """
        )

        @Option(name: .long, help: "The directory of scripts and traces.")
        var directory: String = "Traces"

        @Flag(name: .long, help: "Only check: exit 1 and name each file that regenerating would change.")
        var check = false

        func run() throws {
            var stale: [String] = []
            func update(_ path: String, to text: String, from inputs: [String]) throws {
                if (try? String(contentsOfFile: path, encoding: .utf8)) == text { return }
                stale.append(path)
                guard !check else { return }
                do { try Files.writeAtomically(text, to: path, inputs: inputs) } catch {
                    throw Files.fail("tokenlab: cannot write \(path): \(error.reason)")
                }
                print("wrote \(path)")
            }
            for choice in RecordedTraces.choices {
                guard let script = RecordedTraces.script(for: choice) else { continue }
                try update("\(directory)/\(RecordedTraces.fileName(of: choice)).tl", to: script, from: [])
            }
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted() } catch {
                throw Files.fail("tokenlab: cannot list \(directory): \(error.localizedDescription)")
            }
            let known = Set(RecordedTraces.choices.map { RecordedTraces.fileName(of: $0) + ".tl" })
            for name in names where name.hasSuffix(".tl") {
                let scriptPath = "\(directory)/\(name)"
                if name.hasPrefix("attack-"), !known.contains(name) {
                    print("\(scriptPath): no catalog attack has this name any more; remove it and its trace")
                    stale.append(scriptPath)
                    continue
                }
                // In --check mode an attack script may be stale on disk: its trace is checked against what it should be.
                var script = try Files.readArgument(scriptPath)
                if check, let choice = RecordedTraces.choices.first(where: { RecordedTraces.fileName(of: $0) + ".tl" == name }),
                   let expected = RecordedTraces.script(for: choice) {
                    script = expected
                }
                let trace: String
                do {
                    trace = try ScriptRunner.run(script: script, fileName: scriptPath, seed: 1, tool: "tokenlab \(TokenLab.version)").trace
                } catch {
                    throw Files.fail(error.message)
                }
                try update(String(scriptPath.dropLast(3)) + ".jsonl", to: trace, from: [scriptPath])
            }
            if check {
                stale.forEach { print("out of date: \($0)") }
                guard stale.isEmpty else {
                    print("regenerate with: tokenlab traces regenerate")
                    throw ExitCode.failure
                }
                print("every trace in \(directory) is what its script records today")
            } else if stale.isEmpty {
                print("every trace in \(directory) was already up to date")
            }
        }
    }
}
