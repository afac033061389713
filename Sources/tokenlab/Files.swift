import ArgumentParser
import Foundation
import TokenLabWorld

/// The only place tokenlab touches the file system and standard error.
enum Files {
    struct Failure: Error { let reason: String }

    /// Scripts and traces larger than this are refused before reading: a
    /// million-line script is about 20 MiB.
    static let maximumSize = 256 << 20

    /// The whole file's bytes. Only regular files: a FIFO would block and
    /// /dev/zero never ends. `O_NONBLOCK` keeps `open` itself from waiting
    /// for a FIFO's writer; `fstat` on the open descriptor then decides.
    static func readBytes(_ path: String) throws(Failure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw Failure(reason: info.st_mode & S_IFMT == S_IFDIR ? "it is a directory" : "not a regular file")
        }
        guard info.st_size <= maximumSize else {
            throw Failure(reason: "it is \(info.st_size >> 20) MiB; tokenlab reads files up to \(maximumSize >> 20) MiB")
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while filled < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw Failure(reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }  // the file shrank while we read it
            filled += n
        }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }

    /// Where a write to `path` really lands: a symbolic link is followed to
    /// its target; whatever is there must be a regular file we may replace.
    static func writeTarget(_ path: String) throws(Failure) -> (path: String, mode: mode_t?, identity: FileIdentity?) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return (path, nil, nil) }
            throw Failure(reason: String(cString: strerror(errno)))
        }
        var target = path
        if info.st_mode & S_IFMT == S_IFLNK {
            guard let resolved = realpath(path, nil) else { throw Failure(reason: "a symbolic link to nothing: \(String(cString: strerror(errno)))") }
            target = String(cString: resolved)
            free(resolved)
            guard stat(target, &info) == 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw Failure(reason: "it exists and is not a regular file; tokenlab replaces only regular files")
        }
        return (target, info.st_mode & 0o7777, FileIdentity(info))
    }

    /// Device and inode: two paths name the same file when these match.
    struct FileIdentity: Equatable {
        let device: UInt64
        let inode: UInt64
        init(_ info: stat) { device = UInt64(info.st_dev); inode = UInt64(info.st_ino) }

        static func of(_ path: String) -> FileIdentity? {
            var info = stat()
            return stat(path, &info) == 0 ? FileIdentity(info) : nil
        }
    }

    /// Writes to a new temporary file beside the target, then renames it
    /// over the target, so a reader never sees half a file and a failure
    /// never replaces a good one. The temporary file is created exclusively
    /// and never through a link; an existing file keeps its mode. `inputs`
    /// are files this run read: writing over one of them is refused.
    static func writeAtomically(_ text: String, to path: String, inputs: [String] = []) throws(Failure) {
        let (target, existingMode, identity) = try writeTarget(path)
        if let identity, inputs.contains(where: { FileIdentity.of($0) == identity }) {
            throw Failure(reason: "it is an input of this run; choose another output file")
        }
        let slash = target.lastIndex(of: "/")
        let directory = slash.map { String(target[...$0]) } ?? ""
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        var temporary = ""
        var fd: Int32 = -1
        for attempt in 0..<100 where fd < 0 {
            temporary = directory + "." + name + ".\(getpid())-\(attempt).tmp"
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
            if fd < 0 && errno != EEXIST { break }
        }
        guard fd >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        func abandon() -> Failure {
            let reason = String(cString: strerror(errno))
            close(fd)
            unlink(temporary)
            return Failure(reason: reason)
        }
        if let existingMode, fchmod(fd, existingMode) != 0 { throw abandon() }
        var bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw abandon()
            }
            written += n
        }
        bytes.removeAll()
        guard fsync(fd) == 0 else { throw abandon() }
        guard close(fd) == 0, rename(temporary, target) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure(reason: reason)
        }
    }

    /// A script or trace as text: a regular file of UTF-8, or one line saying why not.
    static func readScript(_ path: String) throws(Failure) -> String {
        let bytes = try readBytes(path)
        do { return try ScriptText.decode(bytes, name: path) } catch { throw Failure(reason: error.message) }
    }

    /// The file a subcommand was given, or exit status 1 with one line saying why not.
    static func readArgument(_ path: String) throws -> String {
        let bytes: [UInt8]
        do { bytes = try readBytes(path) } catch { throw fail("tokenlab: cannot read \(path): \(error.reason)") }
        do { return try ScriptText.decode(bytes, name: path) } catch { throw fail(error.message) }
    }

    /// The bytes a subcommand was given, as they are on disk.
    static func readArgumentBytes(_ path: String) throws -> [UInt8] {
        do { return try readBytes(path) } catch { throw fail("tokenlab: cannot read \(path): \(error.reason)") }
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
