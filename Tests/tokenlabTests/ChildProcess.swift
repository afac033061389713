import Foundation
import Testing

/// Runs a program the way the tests need it, and nothing more: the child
/// gets standard input, output and error and no other descriptor.
///
/// Swift Testing runs suites in parallel. A child that inherits another
/// test's pipe (Foundation's `Pipe` is not close-on-exec) keeps it open; a
/// daemon such as the tmux server keeps it open forever, and the test
/// reading that pipe never sees end-of-file. So: `posix_spawn` with every
/// descriptor from 3 up closed in the child, output to files (no pipes to
/// drain), and a deadline after which the child is killed.
enum ChildProcess {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        var timedOut = false
    }

    /// Runs `executable` (a path, or a name looked up on PATH) with
    /// `arguments`, feeding it `input`, and waits at most `deadline` seconds.
    static func run(_ executable: String, _ arguments: [String], input: String = "",
                    environment: [String: String]? = nil, deadline: Double = 300) throws -> Outcome {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tokenlab-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputPath = directory.appendingPathComponent("stdin").path
        let outputPath = directory.appendingPathComponent("stdout").path
        let errorPath = directory.appendingPathComponent("stderr").path
        try Data(input.utf8).write(to: URL(fileURLWithPath: inputPath))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard let closeFrom = closeFromAction else {
            throw SpawnFailure(program: executable, reason: "this C library has no posix_spawn_file_actions_addclosefrom_np (glibc 2.34 or later)")
        }
        closeFrom(&actions, 3)

        // Its own process group, so a deadline kills whatever it started too.
        // And a clean signal state: a test runner's worker thread blocks most
        // signals, and a child inherits that mask. A tmux server started with
        // SIGCHLD and SIGHUP blocked never sees its panes end, so kill-server
        // could not stop it and it outlived the test.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environmentStrings: [UnsafeMutablePointer<CChar>?]? = environment.map { variables in
            variables.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        }
        defer { environmentStrings?.forEach { free($0) } }

        var pid: pid_t = 0
        let spawned = environmentStrings.map { strings in
            strings.withUnsafeBufferPointer { posix_spawnp(&pid, executable, &actions, &attributes, argv, UnsafeMutablePointer(mutating: $0.baseAddress)) }
        } ?? posix_spawnp(&pid, executable, &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw SpawnFailure(program: executable, reason: String(cString: strerror(spawned))) }

        var status: Int32 = 0
        var timedOut = false
        let giveUp = Date().addingTimeInterval(deadline)
        while true {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { break }
            if done < 0 && errno != EINTR { break }
            if Date() > giveUp {
                timedOut = true
                kill(-pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                break
            }
            usleep(2_000)
        }
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        func contents(_ path: String) -> String {
            String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
        }
        return Outcome(status: exitStatus, stdout: contents(outputPath), stderr: contents(errorPath), timedOut: timedOut)
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which its
    /// headers declare only under _GNU_SOURCE, so Swift's Glibc does not see it.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let closeFromAction: CloseFrom? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    struct SpawnFailure: Error, CustomStringConvertible {
        let program: String
        let reason: String
        var description: String { "cannot start \(program): \(reason)" }
    }
}

/// The rule that keeps the suite from hanging, checked directly.
@Suite struct ChildProcessTests {
    @Test func aChildGetsOnlyStandardInputOutputAndErrorEvenWhileATestHoldsAPipe() throws {
        let pipe = Pipe()  // not close-on-exec: exactly what leaked into the tmux server
        defer { try? pipe.fileHandleForReading.close(); try? pipe.fileHandleForWriting.close() }
        let listing = try ChildProcess.run("sh", ["-c", "ls /proc/$$/fd"])
        #expect(listing.status == 0)
        #expect(listing.stdout.split(separator: "\n") == ["0", "1", "2"], "descriptors the child holds: \(listing.stdout)")
    }

    @Test func aChildThatOutlivesItsDeadlineIsKilledNotWaitedFor() throws {
        let started = Date()
        let stuck = try ChildProcess.run("sleep", ["30"], deadline: 0.2)
        #expect(stuck.timedOut && stuck.status == 128 + SIGKILL)
        #expect(Date().timeIntervalSince(started) < 10)
    }
}
