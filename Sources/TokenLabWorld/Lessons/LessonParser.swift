/// Reads a lesson file: a header between `---` lines, then Markdown prose
/// with ```` ```tokenlab ```` blocks of ordinary commands (the one command
/// language: every line goes through `CommandParser`). An exercise is a
/// `## Exercise: …` heading, a `**Goal:** …` paragraph, one to three
/// `<details><summary>Hint</summary>` sections, a
/// `<details><summary>Solution</summary>` section holding a ```` ```tokenlab ````
/// block, and a ```` ```tokenlab check ```` block of `expect` lines.
public enum LessonParser {
    public static func parse(_ text: String, file: String) throws(LessonError) -> Lesson {
        let lines = ScriptRunner.lines(of: text)
        var reader = Reader(lines: lines, file: file)
        return try reader.lesson()
    }

    /// Session commands a lesson may not use: they would leave the lesson's world.
    static let forbidden: Set<String> = ["quit", "exit", "load", "save", "reset", "seed", "undo", "lessons", "lesson", "next", "back",
                                         "hint", "check", "solution", "replay", "step", "goto", "run"]

    static func checkCommand(_ line: String, file: String, number: Int) throws(LessonError) {
        do { _ = try CommandParser.parse(line) } catch { throw LessonError(file: file, line: number, error.message) }
        if let name = CommandParser.words(of: line).first.map(String.init), forbidden.contains(name) {
            throw LessonError(file: file, line: number, "'\(name)' cannot be part of a lesson (it leaves the lesson's world)")
        }
    }
}

private struct Reader {
    let lines: [String]
    let file: String
    var index = 0

    init(lines: [String], file: String) {
        self.lines = lines
        self.file = file
    }

    func fail(_ line: Int, _ message: String) -> LessonError { LessonError(file: file, line: line, message) }

    mutating func lesson() throws(LessonError) -> Lesson {
        var lesson = try header()
        var steps: [LessonStep] = []
        var prose: [String] = []
        var proseStart = index + 1
        var exercise: ExerciseDraft?
        while index < lines.count {
            let line = lines[index]
            let number = index + 1
            let trimmed = line.drop(while: { $0 == " " })
            if trimmed.hasPrefix("```") {
                let info = String(trimmed.dropFirst(3)).trimmingTrailingSpaces()
                let body = try fence(openedAt: number)
                switch info {
                case "tokenlab":
                    let commands = try commandLines(body, expectationsOnly: false)
                    if var draft = exercise {
                        guard draft.openDetails == .solution else {
                            throw fail(number, "inside an exercise, commands go in its Solution details and checks in a ```tokenlab check block")
                        }
                        guard draft.solution == nil else { throw fail(number, "an exercise has one solution block") }
                        draft.solution = commands
                        exercise = draft
                    } else {
                        guard commands.contains(where: \.isTyped) || commands.contains(where: \.isExpectation) else {
                            throw fail(number, "an empty ```tokenlab block")
                        }
                        steps.append(LessonStep(prose: prose, lines: commands, exercise: nil, fileLine: proseStart))
                        prose = []
                        proseStart = index + 1
                    }
                case "tokenlab check":
                    guard let draft = exercise else { throw fail(number, "a ```tokenlab check block belongs to an exercise (after its '## Exercise:' heading)") }
                    let checks = try commandLines(body, expectationsOnly: true)
                    steps.append(LessonStep(prose: prose, lines: [], exercise: try draft.finished(checks: checks, reader: self), fileLine: proseStart))
                    exercise = nil
                    prose = []
                    proseStart = index + 1
                default:
                    if info.hasPrefix("tokenlab") { throw fail(number, "unknown block '```\(info)': a lesson has ```tokenlab and ```tokenlab check blocks") }
                    if exercise?.openDetails == nil || exercise == nil {
                        prose += [line] + body.map(\.text) + ["```"]
                    } else {
                        exercise?.detailText += [line] + body.map(\.text) + ["```"]
                    }
                }
                continue
            }
            index += 1
            if isExerciseHeading(trimmed) {
                if let open = exercise { throw fail(open.line, "this exercise has no ```tokenlab check block before the next one") }
                let title = trimmed.split(separator: ":", maxSplits: 1).dropFirst().first.map { $0.drop(while: { $0 == " " }) } ?? ""
                exercise = ExerciseDraft(line: number, title: String(title).trimmingTrailingSpaces())
                continue
            }
            guard var draft = exercise else {
                prose.append(line)
                continue
            }
            if trimmed.hasPrefix("**Goal:**") {
                guard draft.goal == nil else { throw fail(number, "an exercise has one **Goal:**") }
                var goal = [String(trimmed.dropFirst("**Goal:**".count))]
                while index < lines.count, !lines[index].allSatisfy({ $0 == " " }) {
                    goal.append(lines[index])
                    index += 1
                }
                draft.goal = goal.map { $0.drop(while: { $0 == " " }) }.joined(separator: " ").trimmingTrailingSpaces()
            } else if trimmed.hasPrefix("<details>") {
                guard draft.openDetails == nil else { throw fail(number, "<details> inside <details>: close the first with </details>") }
                if trimmed.contains("<summary>Hint") {
                    draft.openDetails = .hint
                } else if trimmed.contains("<summary>Solution") {
                    draft.openDetails = .solution
                } else {
                    throw fail(number, "an exercise's <details> is a <summary>Hint</summary> or a <summary>Solution</summary>")
                }
                draft.detailsLine = number
            } else if trimmed.hasPrefix("</details>") {
                guard let kind = draft.openDetails else { throw fail(number, "</details> with no <details> open") }
                if kind == .hint {
                    let hint = draft.detailText.filter { !$0.allSatisfy { $0 == " " } }.joined(separator: " ")
                    guard !hint.isEmpty else { throw fail(draft.detailsLine, "an empty hint") }
                    draft.hints.append(hint)
                } else if draft.solution == nil {
                    throw fail(draft.detailsLine, "the Solution details hold no ```tokenlab block")
                }
                draft.openDetails = nil
                draft.detailText = []
            } else if draft.openDetails != nil {
                draft.detailText.append(line)
            } else {
                prose.append(line)
            }
            exercise = draft
        }
        if let open = exercise { throw fail(open.line, "this exercise has no ```tokenlab check block") }
        if prose.contains(where: { !$0.allSatisfy { $0 == " " } }) {
            steps.append(LessonStep(prose: prose, lines: [], exercise: nil, fileLine: proseStart))
        }
        guard steps.contains(where: { !$0.lines.isEmpty || $0.exercise != nil }) else {
            throw fail(lines.count, "a lesson needs at least one ```tokenlab block")
        }
        guard let last = steps.last, last.lines.isEmpty, last.exercise == nil,
              last.prose.contains(where: { $0.hasPrefix("## The rule") }) else {
            throw fail(lines.count, "a lesson ends with a '## The rule' section: its rule in two sentences and the RFC sections behind it")
        }
        lesson.steps = steps
        return lesson
    }

    func isExerciseHeading(_ line: Substring) -> Bool {
        let hashes = line.prefix(while: { $0 == "#" }).count
        return (2...4).contains(hashes) && line.dropFirst(hashes).drop(while: { $0 == " " }).hasPrefix("Exercise")
    }

    /// The lines of a fenced block; `index` ends after its closing fence.
    mutating func fence(openedAt number: Int) throws(LessonError) -> [LessonLine] {
        var body: [LessonLine] = []
        index += 1
        while index < lines.count {
            let line = lines[index]
            index += 1
            if line.drop(while: { $0 == " " }).hasPrefix("```") { return body }
            body.append(LessonLine(text: line, fileLine: index))
        }
        throw fail(number, "unterminated ``` block (opened here; close it with ```)")
    }

    func commandLines(_ body: [LessonLine], expectationsOnly: Bool) throws(LessonError) -> [LessonLine] {
        var kept: [LessonLine] = []
        for line in body where !line.text.allSatisfy({ $0 == " " || $0 == "\t" }) {
            try LessonParser.checkCommand(line.text, file: file, number: line.fileLine)
            if expectationsOnly, !line.isExpectation {
                throw fail(line.fileLine, "a check block holds expect lines only; commands go in the Solution")
            }
            kept.append(LessonLine(text: line.text.trimmingTrailingSpaces(), fileLine: line.fileLine))
        }
        if expectationsOnly, kept.isEmpty { throw fail(body.first?.fileLine ?? index, "an empty check block") }
        return kept
    }

    mutating func header() throws(LessonError) -> Lesson {
        guard lines.first == "---" else { throw fail(1, "a lesson starts with a '---' header line (id, title, level, minutes, seed, preset)") }
        var fields: [(key: String, value: String, line: Int)] = []
        index = 1
        while index < lines.count, lines[index] != "---" {
            let line = lines[index]
            index += 1
            guard let colon = line.firstIndex(of: ":") else { throw fail(index, "header lines read 'key: value'; got '\(line)'") }
            let key = String(line[..<colon])
            let value = String(line[line.index(after: colon)...].drop(while: { $0 == " " })).trimmingTrailingSpaces()
            guard ["id", "title", "level", "minutes", "seed", "preset"].contains(key) else {
                throw fail(index, "unknown header field '\(key)'; fields: id, title, level, minutes, seed, preset")
            }
            guard !fields.contains(where: { $0.key == key }) else { throw fail(index, "header field '\(key)' given twice") }
            guard !value.isEmpty else { throw fail(index, "header field '\(key)' is empty") }
            fields.append((key, value, index))
        }
        guard index < lines.count else { throw fail(1, "the header has no closing '---' line") }
        index += 1
        func field(_ key: String) -> (value: String, line: Int)? { fields.first(where: { $0.key == key }).map { ($0.value, $0.line) } }
        for key in ["id", "title", "level", "minutes"] where field(key) == nil {
            throw fail(1, "the header has no '\(key)'")
        }
        let id = field("id")!
        guard id.value.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }) else {
            throw fail(id.line, "id '\(id.value)' may hold lower-case letters, digits and '-' only")
        }
        let level = field("level")!
        guard Lesson.levels.contains(level.value) else { throw fail(level.line, "level is \(Lesson.levels.joined(separator: ", ")); got '\(level.value)'") }
        let minutes = field("minutes")!
        guard let count = Int(minutes.value), (1...60).contains(count) else { throw fail(minutes.line, "minutes is a number from 1 to 60; got '\(minutes.value)'") }
        var seed: UInt64 = 1
        if let given = field("seed") {
            guard let value = UInt64(given.value) else { throw fail(given.line, "seed is a number; got '\(given.value)'") }
            seed = value
        }
        var preset = "baseline"
        if let given = field("preset") {
            guard Policy.preset(named: given.value) != nil else {
                throw fail(given.line, "unknown preset '\(given.value)'; valid: \(Policy.presetNames.joined(separator: ", "))")
            }
            preset = given.value
        }
        return Lesson(id: id.value, title: field("title")!.value, level: level.value, minutes: count, seed: seed, preset: preset,
                      file: file, steps: [])
    }
}

private struct ExerciseDraft {
    enum Details { case hint, solution }
    let line: Int
    let title: String
    var goal: String?
    var hints: [String] = []
    var solution: [LessonLine]?
    var openDetails: Details?
    var detailsLine = 0
    var detailText: [String] = []

    func finished(checks: [LessonLine], reader: Reader) throws(LessonError) -> Exercise {
        if openDetails != nil { throw reader.fail(detailsLine, "<details> not closed with </details>") }
        guard let goal, !goal.isEmpty else { throw reader.fail(line, "an exercise needs a '**Goal:** …' paragraph") }
        guard (1...3).contains(hints.count) else { throw reader.fail(line, "an exercise has one to three hints; it has \(hints.count)") }
        guard let solution, solution.contains(where: \.isTyped) else { throw reader.fail(line, "an exercise needs a Solution with commands") }
        return Exercise(title: title, goal: goal, hints: hints, solution: solution, checks: checks)
    }
}
