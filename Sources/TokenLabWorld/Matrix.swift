import TokenLabCore
import TokenLabTokens

/// Every catalog attack under every preset: a table of outcomes. Each cell is
/// an independent world (seed, preset, the same opening, the attack), so
/// cells can run on any core in any order and the table is the same.
public enum Matrix {
    public static let presets = Policy.presetNames

    public struct Cell: Sendable, Equatable {
        public var attack: String
        public var preset: String
        public var window: Duration?
        public var apiRequests: Int
        public var refreshes: Int
        public var highestRole: String?
        /// Short names of what stopped it, or "nothing (by 01:00:00)".
        public var stoppedBy: String
        /// The same with the rules.
        public var stoppedByWithRules: String
        public var victimCost: String?
    }

    /// The cells in table order: attacks down, presets across.
    public static var jobs: [(attack: String, preset: String)] {
        AttackScenario.catalog.flatMap { attack in presets.map { (attack.name, $0) } }
    }

    public static func run(attack: String, preset: String, seed: UInt64 = 1) -> Cell {
        guard let policy = Policy.preset(named: preset) else {
            preconditionFailure("matrix presets come from Policy.presetNames")
        }
        return run(attack: attack, policy: policy, presetName: preset, seed: seed)
    }

    /// One cell under any policy: a defence exercise's story runs here.
    static func run(attack: String, policy: Policy, presetName preset: String, seed: UInt64) -> Cell {
        let session = Session(seed: seed, preset: preset, policy: policy)
        for line in ["login alice", "call alice GET /orders", "attack \(attack) alice"] {
            let result = session.execute(line)
            precondition(result.error == nil, "matrix step '\(line)' failed: \(result.error?.message ?? "")")
        }
        let world = session.world
        let outcomes = world.attackOutcomes()
        let stopped = outcomes.allSatisfy(\.stopped)
        var labels: [String] = [], withRules: [String] = []
        for outcome in outcomes where outcome.stopped {
            for reason in Matrix.reasons(in: outcome.stoppedBy) where !withRules.contains(reason) {
                withRules.append(reason)
                let label = World.stopLabel(reason) == "refused" ? String(reason.prefix(while: { $0 != "[" })).trimmingTrailingSpaces() : World.stopLabel(reason)
                if !labels.contains(label) { labels.append(label) }
            }
        }
        let nothing = outcomes.isEmpty ? "no attacker" : "nothing (by \(world.now.shortClockText))"
        return Cell(
            attack: attack, preset: preset,
            window: exposure(outcomes),
            apiRequests: outcomes.reduce(0) { $0 + $1.apiRequests },
            refreshes: outcomes.reduce(0) { $0 + $1.refreshes },
            highestRole: outcomes.contains { $0.highestRole == "admin" } ? "admin" : outcomes.compactMap(\.highestRole).first,
            stoppedBy: stopped && !outcomes.isEmpty ? labels.joined(separator: ", ") : nothing,
            stoppedByWithRules: stopped && !outcomes.isEmpty ? withRules.joined(separator: "; ") : nothing,
            victimCost: world.attackLog.costs.first)
    }

    /// From the first theft or forgery to the moment the last of its
    /// material stops being usable (or would stop, if nothing stops it):
    /// the report's window, not the attacker's last use.
    static func exposure(_ outcomes: [AttackOutcome]) -> Duration? {
        let usable = outcomes.filter { $0.usableUntil != nil }
        guard let first = usable.compactMap(\.acquiredAt).min(), let until = usable.compactMap(\.usableUntil).max() else { return nil }
        return until - first
    }

    /// The reasons in "stopped: a [rule]; b [rule]", kept whole (rules hold no "; " of their own... mostly).
    static func reasons(in text: String) -> [String] {
        var rest = Substring(text.hasPrefix("stopped: ") ? text.dropFirst("stopped: ".count) : Substring(text))
        var reasons: [String] = []
        while !rest.isEmpty {
            // A reason ends after its closing bracket.
            guard let close = rest.firstIndex(of: "]") else { reasons.append(String(rest)); break }
            reasons.append(String(rest[...close]))
            rest = rest[rest.index(after: close)...].drop(while: { $0 == ";" || $0 == " " })
        }
        return reasons
    }

    // MARK: Rendering (cells must be in `jobs` order)

    /// Short column heads for the grid, so seven presets fit 80 columns.
    static let abbreviations = ["insecure": "insec", "baseline": "base", "rotation": "rotat", "introspection": "intro"]

    /// The matrix as a grid that fits 80 columns: attacks down, presets
    /// across (abbreviated heads, with a legend), each cell the exposure
    /// window, `!` when admin was reached, `×` when the victim was logged
    /// out. What stopped each is in `table`.
    public static func grid(_ cells: [Cell]) -> [String] {
        let heads = presets.map { abbreviations[$0] ?? $0 }
        var rows: [[String]] = []
        for attack in AttackScenario.catalog.map(\.name) {
            rows.append([attack] + presets.map { preset in
                guard let cell = cells.first(where: { $0.attack == attack && $0.preset == preset }) else { return "" }
                return (cell.window.map(gridText) ?? "-") + (cell.highestRole == "admin" ? "!" : "") + (cell.victimCost == nil ? "" : "×")
            })
        }
        let legend = zip(presets, heads).filter { $0 != $1 }.map { "\($1) = \($0)" }.joined(separator: ", ")
        let notes = "Each cell: about how long what she took stayed usable (- never); ! it reached admin; × the victim was logged out. "
            + legend + ". `tokenlab matrix --format table` says what stopped each; `--format markdown` is for slides."
        return TextTable.render(header: ["attack"] + heads, rows: rows) + [""] + TextWrap.words(notes, width: 78)
    }

    /// A window in one unit, rounded: `90d`, `35m`, `20ms`, so a cell stays narrow.
    static func gridText(_ window: Duration) -> String {
        let milliseconds = window.milliseconds
        for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)] where milliseconds >= 2 * size {
            return "\((milliseconds + size / 2) / size)\(unit)"
        }
        return "\(milliseconds)ms"
    }

    /// Every cell on its own row, with what stopped it; narrowed to `width` when given.
    /// Given a width, presets and windows are as short as in the grid, so the table fits 80 columns.
    public static func text(_ cells: [Cell], width: Int? = nil) -> [String] {
        let narrow = width != nil
        let rows = cells.map { cell in
            [cell.attack, narrow ? abbreviations[cell.preset] ?? cell.preset : cell.preset,
             (narrow ? cell.window.map(gridText) : cell.window?.roughText) ?? "-", "\(cell.apiRequests)", cell.highestRole ?? "-",
             cell.victimCost == nil ? "-" : "logged out", cell.stoppedBy]
        }
        return TextTable.render(header: ["attack", "preset", "window", narrow ? "reqs" : "requests", "role", "victim", "stopped by"],
                                rows: rows, width: width)
    }

    public static func markdown(_ cells: [Cell]) -> [String] {
        var lines = ["| attack | " + presets.joined(separator: " | ") + " |",
                     "|---|" + presets.map { _ in "---" }.joined(separator: "|") + "|"]
        for attack in AttackScenario.catalog.map(\.name) {
            let row = presets.map { preset -> String in
                guard let cell = cells.first(where: { $0.attack == attack && $0.preset == preset }) else { return "" }
                let reach = cell.apiRequests == 0 ? "no access" : "\(cell.apiRequests) req, \(cell.window?.roughText ?? "-")"
                return "\(reach); \(cell.stoppedBy)" + (cell.victimCost == nil ? "" : "; victim logged out")
            }
            lines.append("| \(attack) | " + row.joined(separator: " | ") + " |")
        }
        return lines
    }

    public static func json(_ cells: [Cell]) -> String {
        JSONValue.array(cells.map { cell in
            .object([
                "attack": .string(cell.attack), "preset": .string(cell.preset),
                "window_ms": cell.window.map { .int($0.milliseconds) } ?? .null,
                "api_requests": .int(cell.apiRequests), "refreshes": .int(cell.refreshes),
                "highest_role": cell.highestRole.map(JSONValue.string) ?? .null,
                "stopped_by": .string(cell.stoppedByWithRules),
                "victim_cost": cell.victimCost.map(JSONValue.string) ?? .null,
            ])
        }).prettyText
    }
}
