/// A lesson in progress over its own session: shows prose in short pieces,
/// waits for the next command (typed, or run with Enter), checks the
/// block's expectations, grades exercises. Pure: the front end prints what
/// it returns and keeps the learner's progress.
public final class LessonRunner {
    public let lesson: Lesson
    public let session: Session
    public private(set) var stepIndex = 0
    /// The next line of the current step's block (or of a solution asked for).
    var lineIndex = 0
    /// A solution the learner asked to see: Enter runs it line by line.
    var queued: [LessonLine] = []
    var hintsShown = 0
    /// Exercises solved, by step.
    public private(set) var solved: [Int] = []
    /// The session's command count when each step reached so far began.
    var stepStarts: [Int] = [0]
    public private(set) var isFinished = false
    /// Expectations that failed as the lesson played (file:line: message).
    public private(set) var failures: [LessonError] = []
    /// The parts of the goal the last `check` found not holding.
    var lastCheckFailures: [LessonError] = []

    public init(lesson: Lesson) throws(CommandError) {
        self.lesson = lesson
        session = try Session(seed: lesson.seed, preset: lesson.preset)
    }

    var step: LessonStep { lesson.steps[stepIndex] }

    /// `access-vs-refresh 3/9`, for the prompt.
    public var position: String { "\(lesson.id) \(stepIndex + 1)/\(lesson.steps.count)" }

    /// What Enter would run now, for the prompt's hint and Tab.
    public var pendingCommand: String? {
        if let line = queued.first(where: \.isTyped) { return line.text }
        guard step.exercise == nil else { return nil }
        return step.lines[lineIndex...].first(where: \.isTyped)?.text
    }

    public func start() -> [OutputItem] {
        [.text("lesson \(lesson.id): \(lesson.title)"),
         .text("\(lesson.level), about \(lesson.minutes) min; seed \(lesson.seed), policy \(lesson.preset)"),
         .text("Enter runs the next command; also next, back, hint, check, solution, lesson quit")] + present()
    }

    /// The current step's prose, then what it waits for.
    func present() -> [OutputItem] {
        // Prose wraps flush left (not with the hanging indent of event lines).
        let prose = LessonProse.render(step.prose).flatMap { line in
            session.tableWidth.map { width in line.isEmpty ? [""] : TextWrap.words(line, width: width) } ?? [line]
        }
        var items: [OutputItem] = [.text("")] + prose.map(OutputItem.text)
        if let exercise = step.exercise {
            items += [.text("exercise: \(exercise.title)"), .text("goal: \(exercise.goal)"),
                      .text("(type commands to reach it; check grades it; hint, solution, or next to skip)")]
        } else if let pending = pendingCommand {
            items.append(.text("next: \(pending)   (Enter runs it)"))
        } else if stepIndex == lesson.steps.count - 1 {
            isFinished = true
            items.append(.text("end of lesson \(lesson.id)" + (lesson.exerciseCount == 0 ? "" : ": \(solved.count) of \(lesson.exerciseCount) exercises solved")))
        } else {
            items.append(.text("(Enter goes on)"))
        }
        return items
    }

    /// One line from the learner: a lesson command, Enter, the command the
    /// lesson waits for, or any other command (run as usual; the lesson
    /// stays where it is).
    public func handle(_ line: String) -> [CommandResult] {
        let command: Command?
        do { command = try CommandParser.parse(line) } catch { return [CommandResult(error: error)] + waiting() }
        guard let command else {
            if Narration.text(of: line) != nil { return [session.execute(line)] }
            return enter()
        }
        if case .lesson(let control) = command {
            switch control {
            case .next: return next()
            case .back: return back()
            case .hint: return [hint()]
            case .check: return check()
            case .solution: return [solution()]
            case .list, .start, .quit: return [session.execute(line)]
            }
        }
        if let expected = pendingLine, (try? CommandParser.parse(expected.text)) == command {
            return run(expected, echo: false)
        }
        // Anything else is an ordinary command; the lesson stays where it is.
        let result = session.execute(line)
        return [result] + (result.effect == nil ? waiting() : [])
    }

    var pendingLine: LessonLine? {
        if let line = queued.first(where: \.isTyped) { return line }
        guard step.exercise == nil else { return nil }
        return step.lines[lineIndex...].first(where: \.isTyped)
    }

    func waiting() -> [CommandResult] {
        guard let pending = pendingCommand else { return [] }
        return [text("(the lesson waits for: \(pending); Enter runs it)")]
    }

    /// Enter on an empty line.
    func enter() -> [CommandResult] {
        if let line = pendingLine { return run(line, echo: true) }
        if step.exercise != nil, !solved.contains(stepIndex) {
            return [text("the exercise waits: try commands, then check (or hint, solution, next to skip)")]
        }
        return finishStep()
    }

    /// Runs the line the lesson waits for, then the checks and narration after it.
    func run(_ line: LessonLine, echo: Bool) -> [CommandResult] {
        var results: [CommandResult] = []
        if echo { results.append(text("> " + line.text)) }
        let result = session.execute(line.text)
        results.append(result)
        if result.error != nil { return results + waiting() }
        if !queued.isEmpty {
            queued.removeFirst(queued.firstIndex(of: line).map { $0 + 1 } ?? 1)
            results += runFollowing(&queued)
            if queued.isEmpty, step.exercise != nil { results += check() }
            return results
        }
        lineIndex = (step.lines[lineIndex...].firstIndex(of: line) ?? lineIndex) + 1
        var rest = Array(step.lines[lineIndex...])
        let before = rest.count
        results += runFollowing(&rest)
        lineIndex += before - rest.count
        if pendingLine == nil { results += advance() }
        return results
    }

    /// Expectations and narration up to the next typed line.
    func runFollowing(_ lines: inout [LessonLine]) -> [CommandResult] {
        var results: [CommandResult] = []
        while let line = lines.first, !line.isTyped {
            lines.removeFirst()
            if line.isNarration {
                results.append(session.execute(line.text))
                continue
            }
            let result = session.execute(line.text)
            results.append(result)
            if let error = result.error {
                failures.append(LessonError(file: lesson.file, line: line.fileLine, error.message))
                results.append(text("(your world differs from the lesson's here: back returns to this step's start; next goes on)"))
            }
        }
        return results
    }

    /// Checks and narration left in the step (a block of checks alone, or
    /// ones after its last command), then the next step.
    func finishStep() -> [CommandResult] {
        guard step.exercise == nil, queued.isEmpty, lineIndex < step.lines.count else { return advance() }
        var rest = Array(step.lines[lineIndex...])
        let results = runFollowing(&rest)
        lineIndex = step.lines.count - rest.count
        return results + advance()
    }

    func advance() -> [CommandResult] {
        guard stepIndex + 1 < lesson.steps.count else {
            isFinished = true
            return [text("end of lesson \(lesson.id); lessons lists the course")]
        }
        stepIndex += 1
        lineIndex = 0
        queued = []
        hintsShown = 0
        stepStarts = Array(stepStarts.prefix(stepIndex)) + [session.log.count]
        return [CommandResult(items: present())]
    }

    func next() -> [CommandResult] {
        if step.exercise != nil, !solved.contains(stepIndex), queued.isEmpty {
            return [text("skipped exercise '\(step.exercise!.title)' (not solved)")] + advance()
        }
        var results: [CommandResult] = []
        while let line = pendingLine {
            let ran = run(line, echo: true)
            results += ran
            if ran.contains(where: { $0.error != nil }) { return results }
            // `run` moved on by itself once the block was done.
            if pendingLine == nil { return results }
        }
        return results + finishStep()
    }

    func back() -> [CommandResult] {
        var target = stepIndex
        if session.log.count == stepStarts[stepIndex], lineIndex == 0, queued.isEmpty {
            guard stepIndex > 0 else { return [text("already at the lesson's start")] }
            target -= 1
        }
        session.restore(toCommandCount: stepStarts[target])
        stepIndex = target
        stepStarts = Array(stepStarts.prefix(target + 1))
        lineIndex = 0
        queued = []
        hintsShown = 0
        solved.removeAll { $0 >= target }
        isFinished = false
        return [text("back to step \(stepIndex + 1) of \(lesson.steps.count); now \(session.world.now.clockText)"), CommandResult(items: present())]
    }

    func hint() -> CommandResult {
        guard let exercise = step.exercise else {
            return text("this step has no hints" + (pendingCommand.map { "; it waits for: \($0)" } ?? ""))
        }
        guard hintsShown < exercise.hints.count else { return text("no more hints: solution shows the answer") }
        hintsShown += 1
        return text("hint \(hintsShown) of \(exercise.hints.count): \(LessonProse.inline(exercise.hints[hintsShown - 1]))")
    }

    func check() -> [CommandResult] {
        let lines = step.exercise?.checks ?? step.lines.filter(\.isExpectation)
        guard !lines.isEmpty else { return [text("this step has nothing to check")] }
        var verdicts: [String] = []
        var holding = 0
        lastCheckFailures = []
        for line in lines {
            guard case .expect(let expectation, let written)? = try? CommandParser.parse(line.text) else { continue }
            do {
                let verdict = try session.check(expectation, text: written)
                if verdict.holds { holding += 1 } else {
                    lastCheckFailures.append(LessonError(file: lesson.file, line: line.fileLine, "expected \(written); the world shows \(verdict.shows)"))
                }
                verdicts.append(verdict.line)
            } catch {
                lastCheckFailures.append(LessonError(file: lesson.file, line: line.fileLine, error.message))
                verdicts.append("✗ expected \(written); \(error.message)")
            }
        }
        guard step.exercise != nil else { return [CommandResult(items: verdicts.map(OutputItem.text))] }
        if holding == lines.count {
            if !solved.contains(stepIndex) { solved.append(stepIndex) }
            return [CommandResult(items: (verdicts + ["solved: every part of the goal holds"]).map(OutputItem.text))] + advance()
        }
        return [CommandResult(items: (verdicts + ["not yet: \(holding) of \(lines.count) parts hold (hint helps; back starts the step again)"]).map(OutputItem.text))]
    }

    func solution() -> CommandResult {
        guard let exercise = step.exercise else { return text("this step is not an exercise") }
        queued = exercise.solution
        return CommandResult(items: [.text("solution (Enter runs it line by line; then it is checked):")]
            + exercise.solution.map { .text("  " + $0.text) })
    }

    func text(_ line: String) -> CommandResult { CommandResult(items: [.text(line)]) }

    /// Plays the whole lesson as a teacher would project it: each step's
    /// prose, its commands, the checks; each exercise's goal, hints and
    /// solution, then its grade. Failures are collected, not fatal.
    public func autoplay(emit: (CommandResult) -> Void) {
        for item in start() { emit(CommandResult(items: [item])) }
        // Every turn moves the lesson on; the budget only guards against a bug that would not.
        var turns = 0
        while !isFinished {
            turns += 1
            guard turns <= 100_000 else {
                failures.append(LessonError(file: lesson.file, line: step.fileLine, "the lesson did not finish (stuck at step \(stepIndex + 1))"))
                return
            }
            if let exercise = step.exercise {
                for (number, hint) in exercise.hints.enumerated() {
                    emit(text("hint \(number + 1) of \(exercise.hints.count): \(LessonProse.inline(hint))"))
                }
                emit(solution())
                let here = stepIndex
                while stepIndex == here, let line = pendingLine {
                    let results = enter()
                    for result in results { emit(result) }
                    // A solution line that fails stays pending: note it and stop, never loop.
                    if stepIndex == here, pendingLine == line, let error = results.first(where: { $0.error != nil })?.error {
                        failures.append(LessonError(file: lesson.file, line: line.fileLine, error.message))
                        queued = []
                        break
                    }
                }
                if stepIndex == here {
                    // The solution did not reach the goal: each part that failed, by its line.
                    if lastCheckFailures.isEmpty { _ = check() }
                    failures += lastCheckFailures.isEmpty
                        ? [LessonError(file: lesson.file, line: step.fileLine, "exercise '\(exercise.title)': the solution does not reach the goal")]
                        : lastCheckFailures
                    for result in advance() { emit(result) }
                }
                continue
            }
            let before = (stepIndex, lineIndex)
            let pending = pendingLine
            let results = pending == nil ? finishStep() : enter()
            for result in results { emit(result) }
            if let error = results.first(where: { $0.error != nil })?.error, before == (stepIndex, lineIndex) {
                // The lesson's own command failed: note it and go on.
                failures.append(LessonError(file: lesson.file, line: pending?.fileLine ?? step.fileLine, error.message))
                for result in advance() { emit(result) }
            }
        }
    }
}
