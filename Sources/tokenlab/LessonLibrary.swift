import Foundation
import TokenLabWorld

/// The course: every lesson file in a directory (README.md aside), in file
/// name order. A broken file is reported with its line and left out; the
/// others still load.
struct LessonLibrary {
    let directory: String
    var lessons: [Lesson] = []
    var errors: [LessonError] = []

    /// `--lessons DIR`, else TOKENLAB_LESSONS, else ./Lessons.
    static func directory(_ option: String?) -> String {
        option ?? ProcessInfo.processInfo.environment["TOKENLAB_LESSONS"].flatMap { $0.isEmpty ? nil : $0 } ?? "Lessons"
    }

    /// As `load`, for a subcommand: a directory it cannot read ends the command with that reason.
    static func loadOrFail(_ directory: String) throws -> LessonLibrary {
        do { return try load(directory) } catch { throw Files.fail("tokenlab: \(error.reason)") }
    }

    static func load(_ directory: String) throws(Files.Failure) -> LessonLibrary {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Files.Failure(reason: "no lesson directory '\(directory)' (run from a tokenlab checkout, or give --lessons DIR or TOKENLAB_LESSONS)")
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw Files.Failure(reason: "cannot list \(directory)")
        }
        var library = LessonLibrary(directory: directory)
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        for name in names.filter({ $0.hasSuffix(".md") && $0 != "README.md" }).sorted() {
            let path = prefix + name
            do {
                let bytes = try Files.readBytes(path)
                let text: String
                do { text = try ScriptText.decode(bytes, name: path) } catch {
                    library.errors.append(LessonError(file: path, line: 1, error.message))
                    continue
                }
                let lesson = try LessonParser.parse(text, file: path)
                if let other = library.lessons.first(where: { $0.id == lesson.id }) {
                    let line = (ScriptRunner.lines(of: text).firstIndex(where: { $0.hasPrefix("id:") }) ?? 0) + 1
                    library.errors.append(LessonError(file: path, line: line, "id '\(lesson.id)' is already the id of \(other.file)"))
                    continue
                }
                library.lessons.append(lesson)
            } catch let error as LessonError {
                library.errors.append(error)
            } catch let error as Files.Failure {
                library.errors.append(LessonError(file: path, line: 1, error.reason))
            } catch {
                library.errors.append(LessonError(file: path, line: 1, "\(error)"))
            }
        }
        return library
    }

    /// By id, by file name (without .md), or by its number in the course.
    func find(_ key: String) -> Lesson? {
        // A number is the file's own (07-….md is lesson 7), else a place in the list.
        if problem(for: key) != nil { return nil }
        if let number = Int(key) {
            if let lesson = lessons.first(where: { Int(fileStem($0.file).prefix(while: \.isNumber)) == number }) { return lesson }
            if number >= 1, number <= lessons.count { return lessons[number - 1] }
        }
        return lessons.first { $0.id == key || fileStem($0.file) == key }
    }

    /// The load error of the file `key` names (by number or file name), if it is broken.
    func problem(for key: String) -> LessonError? {
        errors.first { error in
            let stem = fileStem(error.file)
            return stem == key || Int(key).map { Int(stem.prefix(while: \.isNumber)) == $0 } == true
        }
    }

    func fileStem(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.hasSuffix(".md") ? String(name.dropLast(3)) : name
    }

    func unknown(_ key: String) -> String {
        "no lesson '\(key)' in \(directory); lessons lists them (by number, id or file name)"
    }

    /// The course, two lines a lesson (a table of six columns would not fit a
    /// projector's 80): number and title, then id, level, length and progress.
    func listing(progress: LessonProgress, width: Int?) -> [String] {
        guard !lessons.isEmpty else { return ["no lessons in \(directory)"] }
        var lines: [String] = []
        for (place, lesson) in lessons.enumerated() {
            let stem = fileStem(lesson.file).prefix(while: \.isNumber)
            let number = stem.isEmpty ? place + 1 : Int(stem) ?? place + 1
            lines.append((number < 10 ? " " : "") + "\(number)  \(lesson.title)")
            lines.append("    \(lesson.id) · \(lesson.level) · \(lesson.minutes) min · \(progress.text(for: lesson))")
        }
        return lines + ["", "lesson N (or its id) starts one; tokenlab lesson N --auto plays it through"]
    }
}

/// Where each lesson got to, kept between sessions in
/// `$XDG_STATE_HOME/tokenlab/lessons` (else `~/.local/state/tokenlab/lessons`):
/// one line per lesson, `ID step S/N solved K/M [done]`.
struct LessonProgress {
    struct Entry: Equatable {
        var step: Int
        var steps: Int
        var solved: Int
        var exercises: Int
        var done: Bool
    }
    var entries: [String: Entry] = [:]
    let path: String?

    static var defaultPath: String? {
        let environment = ProcessInfo.processInfo.environment
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty { return state + "/tokenlab/lessons" }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.local/state/tokenlab/lessons"
    }

    /// Reads what is there; a line it cannot read is skipped, never fatal.
    static func load(path: String? = LessonProgress.defaultPath) -> LessonProgress {
        var progress = LessonProgress(path: path)
        guard let path, let bytes = try? Files.readBytes(path), let text = String(validating: bytes, as: UTF8.self) else { return progress }
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            guard words.count >= 5, words[1] == "step", words[3] == "solved" else { continue }
            let step = words[2].split(separator: "/").compactMap { Int($0) }
            let solved = words[4].split(separator: "/").compactMap { Int($0) }
            guard step.count == 2, solved.count == 2 else { continue }
            progress.entries[words[0]] = Entry(step: step[0], steps: step[1], solved: solved[0], exercises: solved[1],
                                               done: words.count > 5 && words[5] == "done")
        }
        return progress
    }

    func text(for lesson: Lesson) -> String {
        guard let entry = entries[lesson.id] else { return "not started" }
        let exercises = entry.exercises == 0 ? "" : ", \(entry.solved)/\(entry.exercises) solved"
        return (entry.done ? "done" : "step \(entry.step)/\(entry.steps)") + exercises
    }

    /// Records where a runner is; never goes backwards on "done" or on
    /// solved exercises. True when that changed anything (then it is worth saving).
    @discardableResult
    mutating func note(_ runner: LessonRunner) -> Bool {
        let lesson = runner.lesson
        let old = entries[lesson.id]
        let step = runner.isFinished ? lesson.steps.count : runner.stepIndex + 1
        let new = Entry(step: max(step, old?.done == true ? lesson.steps.count : 0), steps: lesson.steps.count,
                        solved: max(runner.solved.count, old?.solved ?? 0), exercises: lesson.exerciseCount,
                        done: runner.isFinished || old?.done == true)
        entries[lesson.id] = new
        return new != old
    }

    /// Written atomically; a failure costs only the progress, never the session.
    func save() {
        guard let path else { return }
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let text = entries.keys.sorted().map { id in
            let e = entries[id]!
            return "\(id) step \(e.step)/\(e.steps) solved \(e.solved)/\(e.exercises)" + (e.done ? " done" : "")
        }.joined(separator: "\n") + "\n"
        try? Files.writeAtomically(text, to: path)
    }
}
