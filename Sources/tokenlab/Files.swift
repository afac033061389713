import ArgumentParser
import Foundation

/// The only place tokenlab touches the file system and standard error.
enum Files {
    struct Failure: Error { let reason: String }

    /// The whole file as UTF-8 text (invalid bytes become U+FFFD, which the
    /// parser then refuses with the line number). Works for pipes and devices too.
    static func readText(_ path: String) throws(Failure) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes to a temporary file beside `path`, then renames it over `path`,
    /// so a reader never sees half a file and a failure never replaces a good one.
    static func writeAtomically(_ text: String, to path: String) throws(Failure) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = directory + "." + name + ".\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        var bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                unlink(temporary)
                throw Failure(reason: reason)
            }
            written += n
        }
        bytes.removeAll()
        guard fsync(fd) == 0, close(fd) == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure(reason: reason)
        }
    }

    /// The file a subcommand was given, or exit status 1 with one line saying why not.
    static func readArgument(_ path: String) throws -> String {
        do { return try readText(path) } catch { throw fail("tokenlab: cannot read \(path): \(error.reason)") }
    }

    /// Prints `message` to standard error and ends with exit status 1.
    static func fail(_ message: String) -> ExitCode {
        printError(message)
        return ExitCode.failure
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
