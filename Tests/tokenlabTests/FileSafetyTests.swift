import Foundation
import Testing
@testable import tokenlab

/// Files a user keeps are never clobbered, and files tokenlab cannot read
/// sensibly are refused with one line instead of hanging or eating memory.
@Suite struct FileSafetyTests {
    let cli = CommandLineTests()

    func directory() throws -> URL { try cli.temporaryDirectory() }

    @Test func aScriptIsNeverReplacedByItsOwnTrace() throws {
        let dir = try directory()
        let script = dir.appendingPathComponent("s.tl")
        try "login alice\n".write(to: script, atomically: true, encoding: .utf8)
        let run = try cli.tokenlab(["run", script.path, "--trace", script.path])
        #expect(run.status == 1)
        #expect(run.stderr == "tokenlab: cannot write trace \(script.path): it is the script itself; choose another output file\n")
        #expect(try String(contentsOf: script, encoding: .utf8) == "login alice\n")

        // The same file through a symbolic link is still the same file.
        let link = dir.appendingPathComponent("link.jsonl")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: script)
        let viaLink = try cli.tokenlab(["run", script.path, "--trace", link.path])
        #expect(viaLink.status == 1 && viaLink.stderr.contains("it is the script itself"))
        #expect(try String(contentsOf: script, encoding: .utf8) == "login alice\n")
    }

    @Test func aDeviceOrFIFOGivenAsTraceIsNotReplacedByARegularFile() throws {
        let dir = try directory()
        let script = dir.appendingPathComponent("s.tl")
        try "login alice\n".write(to: script, atomically: true, encoding: .utf8)
        let fifo = dir.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let run = try cli.tokenlab(["run", script.path, "--trace", fifo])
        #expect(run.status == 1 && run.stderr.contains("is not a regular file"), "\(run.stderr)")
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "still a FIFO")
        let device = try cli.tokenlab(["run", script.path, "--trace", "/dev/null", "--quiet"])
        #expect(device.status == 1 && device.stderr.contains("is not a regular file"))
    }

    @Test func anExistingTraceKeepsItsModeAndNoTemporaryFileIsLeft() throws {
        let dir = try directory()
        let script = dir.appendingPathComponent("s.tl"), trace = dir.appendingPathComponent("t.jsonl")
        try "login alice\n".write(to: script, atomically: true, encoding: .utf8)
        try "old\n".write(to: trace, atomically: true, encoding: .utf8)
        #expect(chmod(trace.path, 0o600) == 0)
        let run = try cli.tokenlab(["run", script.path, "--trace", trace.path, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        var info = stat()
        #expect(stat(trace.path, &info) == 0 && info.st_mode & 0o777 == 0o600, "mode \(String(info.st_mode & 0o777, radix: 8))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["s.tl", "t.jsonl"])
    }

    @Test func aPlantedSymlinkAtTheTemporaryNameIsNotFollowed() throws {
        let dir = try directory()
        let victim = dir.appendingPathComponent("victim"), trace = dir.appendingPathComponent("t.jsonl")
        try "precious\n".write(to: victim, atomically: true, encoding: .utf8)
        // Every name the writer would try first, as an attacker would plant it.
        for attempt in 0..<3 {
            try FileManager.default.createSymbolicLink(
                at: dir.appendingPathComponent(".t.jsonl.\(getpid())-\(attempt).tmp"), withDestinationURL: victim)
        }
        try Files.writeAtomically("trace\n", to: trace.path)
        #expect(try String(contentsOf: victim, encoding: .utf8) == "precious\n")
        #expect(try String(contentsOf: trace, encoding: .utf8) == "trace\n")
    }

    @Test func aWriteThatFailsLeavesTheOldFileAndNoTemporaryFile() throws {
        let dir = try directory()
        let script = dir.appendingPathComponent("s.tl"), trace = dir.appendingPathComponent("t.jsonl")
        try "login alice\ncall alice GET /orders\n".write(to: script, atomically: true, encoding: .utf8)
        try "a good trace\n".write(to: trace, atomically: true, encoding: .utf8)
        // A file-size limit of 512 bytes: the trace is longer, so write() fails part-way.
        let run = try ChildProcess.run("sh", ["-c", "ulimit -f 1 && exec \"$0\" run \"$1\" --trace \"$2\" --quiet",
                                               CommandLineTests.binary.path, script.path, trace.path])
        #expect(run.status == 1 && run.stderr.contains("File too large"), "\(run.status) \(run.stderr)")
        #expect(try String(contentsOf: trace, encoding: .utf8) == "a good trace\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["s.tl", "t.jsonl"])
    }

    @Test func saveSaysSavedOnlyWhenTheFileWasWritten() throws {
        let dir = try directory()
        let good = dir.appendingPathComponent("good.jsonl").path
        let run = try cli.tokenlab([], input: "login alice\nsave /nonexistent/dir/x.jsonl\nsave \(good)\n")
        #expect(run.status == 1)
        #expect(!run.stdout.contains("/nonexistent"), "\(run.stdout)")
        #expect(run.stderr == "<stdin>:2: cannot write /nonexistent/dir/x.jsonl: No such file or directory\n")
        #expect(run.stdout.contains("saved 1 commands to \(good)"))
    }

    @Test func devicesFIFOsDirectoriesAndInvalidUTF8AreRefusedWithOneLine() throws {
        let dir = try directory()
        let fifo = dir.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        for command in [["run", "/dev/zero"], ["replay", "/dev/zero"], ["run", fifo], ["replay", fifo], ["run", dir.path]] {
            let run = try cli.tokenlab(command)
            #expect(run.status == 1 && run.stderr.hasPrefix("tokenlab: cannot read \(command[1]): ") &&
                    run.stderr.split(separator: "\n").count == 1, "\(command): \(run.stderr)")
        }
        let load = try cli.tokenlab([], input: "load /dev/zero\nload \(fifo)\n")
        #expect(load.stderr == "<stdin>:1: cannot read /dev/zero: not a regular file\n<stdin>:2: cannot read \(fifo): not a regular file\n")
        let bad = dir.appendingPathComponent("bad.tl")
        try (Data("login alice\n# caf".utf8) + Data([0xFF, 0x0A])).write(to: bad)
        let run = try cli.tokenlab(["run", bad.path])
        #expect(run.status == 1 && run.stderr == "\(bad.path):2: invalid UTF-8 (scripts and traces are UTF-8 text)\n", "\(run.stderr)")
    }
}
