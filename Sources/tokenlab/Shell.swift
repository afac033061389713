import Foundation
import TokenLabWorld

/// What the REPL holds between lines: the session in use, and the lesson in
/// progress if any (which then owns the session). Typed and piped input
/// both come through `handle`.
final class Shell {
    private(set) var session: Session
    private(set) var runner: LessonRunner?
    private var progress = LessonProgress.load()
    let lessonsDirectory: String
    /// Told when the session changes (a lesson starts), for Tab completion.
    var onSessionChange: ((Session) -> Void)?
    /// Lines that failed (piped input ends with status 1 if any did).
    private(set) var failures = 0

    init(session: Session, lessonsDirectory: String) {
        self.session = session
        self.lessonsDirectory = lessonsDirectory
        configure(session)
    }

    var prompt: String {
        let seedPart = session.seed == 1 ? "" : "[seed \(session.seed)]"
        let lessonPart = runner.map { "[\($0.position)]" } ?? ""
        let stepPart = session.steppingPosition.map { "[step \($0.step)/\($0.of)]" } ?? ""
        return "tokenlab\(seedPart)\(lessonPart)\(stepPart) \(session.world.now.shortClockText)> "
    }

    /// What Tab offers first on a line of a lesson.
    var pendingCommand: String? { runner?.pendingCommand }

    /// Read once, on the first Tab that needs them: a keystroke must not parse the course.
    private(set) lazy var lessonIDs: [String] = (try? LessonLibrary.load(lessonsDirectory))?.lessons.map(\.id) ?? []

    /// TOKENLAB_THEME at the start, then whatever `theme` chose; carried
    /// into a lesson's fresh session, never reset by the next line.
    private var theme = Terminal.theme
    private weak var themed: Session?

    /// Applies the terminal's width and colours to a session.
    func configure(_ session: Session) {
        session.colors = Terminal.wantsColor
        if let themed { theme = themed.theme }
        if themed !== session {
            session.theme = theme
            themed = session
        }
        session.width = Terminal.width
        fitWidth = Terminal.fitWidth
        if let fitWidth { session.tableWidth = fitWidth }
    }

    /// Runs one line; false when the session should end.
    func handle(_ line: String, source: String?) -> Bool {
        configure(session)
        let results = runner?.handle(line) ?? [session.execute(line)]
        for result in results where !apply(result, source: source) { return false }
        if let runner, progress.note(runner) { progress.save() }
        return true
    }

    /// Starts a lesson: a fresh session with its seed and policy.
    func startLesson(_ key: String, source: String?) -> Bool {
        let library: LessonLibrary
        do { library = try LessonLibrary.load(lessonsDirectory) } catch {
            report(error.reason, source: source)
            return false
        }
        guard let lesson = library.find(key) else {
            let broken = library.problem(for: key)
            report(broken?.description ?? library.unknown(key), source: source)
            return false
        }
        let runner: LessonRunner
        do { runner = try LessonRunner(lesson: lesson) } catch {
            report(error.message, source: source)
            return false
        }
        self.runner = runner
        session = runner.session
        configure(session)
        session.shouldInterrupt = { interruptRequested.load(ordering: .relaxed) }
        onSessionChange?(session)
        show(CommandResult(items: runner.start()), source: source)
        progress.note(runner)
        progress.save()
        return true
    }

    private func apply(_ result: CommandResult, source: String?) -> Bool {
        switch result.effect {
        case .quit?:
            show(result, source: source)
            return false
        case .write(let path, let text)?:
            // "saved ..." only once it is true.
            do {
                try Files.writeAtomically(text, to: path)
                show(result, source: source)
            } catch {
                report("cannot write \(path): \(error.reason)", source: source)
            }
        case .load(let path)?:
            show(result, source: source)
            let bytes: [UInt8]
            do { bytes = try Files.readBytes(path) } catch {
                report("cannot read \(path): \(error.reason)", source: source)
                return true
            }
            do {
                let text = try ScriptText.decode(bytes, name: path)
                show(session.load(text: text, name: path), source: source)
            } catch {
                report(error.message, source: source)
            }
        case .lesson(let control)?:
            lesson(control, source: source)
        case .replay(let path)?:
            // A lesson owns its session; stepping through a trace would pull it from under it.
            if runner != nil { report("replay: a lesson is running (lesson quit leaves it)", source: source); return true }
            let bytes: [UInt8]
            do { bytes = try Files.readBytes(path) } catch {
                report("cannot read \(path): \(error.reason)", source: source)
                return true
            }
            show(session.startStepping(bytes: bytes, name: path), source: source)
        case nil:
            show(result, source: source)
        }
        return true
    }

    private func lesson(_ control: LessonControl, source: String?) {
        switch control {
        case .list:
            do {
                let library = try LessonLibrary.load(lessonsDirectory)
                show(CommandResult(items: library.listing(progress: progress, width: fitWidth).map(OutputItem.text)), source: source)
                for error in library.errors { report(error.description, source: source) }
            } catch {
                report(error.reason, source: source)
            }
        case .start(let key):
            _ = startLesson(key, source: source)
        case .quit:
            guard let runner else { return report("no lesson is running", source: source) }
            self.runner = nil
            show(CommandResult(items: [.text("left lesson \(runner.lesson.id) at step \(runner.stepIndex + 1); the world stays as it is")]),
                 source: source)
        case .back:
            report("back: no lesson is running and no trace is being stepped through (lesson N or replay FILE starts one)", source: source)
        case .next, .hint, .check, .solution:
            report("no lesson is running (lessons lists them; lesson 1 starts the first)", source: source)
        }
    }

    func show(_ result: CommandResult, source: String?) {
        if let error = result.error {
            report(error.message, source: source)
            return
        }
        for item in result.items {
            // A line that fits keeps its colours; a longer one is wrapped as
            // plain text (escape codes must never count as columns).
            guard let fitWidth, item.text.count > fitWidth else { print(EventStyle.line(for: item, colors: session.colors, theme: session.theme)); continue }
            for piece in TextWrap.fitted(item.text, width: fitWidth) {
                print(item.isNote ? EventStyle.narration(piece, colors: session.colors, theme: session.theme) : piece)
            }
        }
        if result.effect == nil { fflush(nil) }
    }

    func report(_ message: String, source: String?) {
        failures += 1
        fflush(nil)
        Files.printError(source.map { "\($0): \(message)" } ?? "error: \(message)")
    }
}

/// The width output must fit, or nil to print lines whole (see Terminal.fitWidth).
nonisolated(unsafe) private var fitWidth: Int?
