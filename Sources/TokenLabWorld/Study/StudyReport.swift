import TokenLabCore
import TokenLabTokens

/// A study's figures, policy by policy, and the ways to print them. Every
/// figure is computed from integer tallies with integer arithmetic, so the
/// same tallies print the same bytes everywhere.
public struct StudyReport: Sendable {
    public let spec: StudySpec
    public let tallies: [StudyTally]
    /// Users whose days were run (fewer than asked when interrupted).
    public var usersRun: Int { tallies.first?.users ?? 0 }

    public init(spec: StudySpec, tallies: [StudyTally]) {
        self.spec = spec
        self.tallies = tallies.map(\.normalized)
    }

    /// One row of figures: its name, a machine-friendly key, one cell per column.
    public struct Row: Sendable {
        public var label: String
        public var key: String
        public var cells: [String]
        /// The same figures for machines: milliseconds for durations, no `%`.
        public var values: [String]
    }

    public var rows: [Row] {
        let userDays = usersRun * spec.days
        let seconds = spec.days * 86_400
        var rows: [Row] = []
        func row(_ label: String, _ key: String, _ cell: (StudyTally) -> String) {
            let cells = tallies.map(cell)
            rows.append(Row(label: label, key: key, cells: cells, values: cells))
        }
        func durationRow(_ label: String, _ key: String, _ ms: (StudyTally) -> Int64?) {
            let values = tallies.map(ms)
            rows.append(Row(label: label, key: key, cells: values.map { $0.map(StudyReport.duration) ?? "-" },
                            values: values.map { $0.map(String.init) ?? "" }))
        }
        row("thefts", "thefts") { "\($0.thefts)" }
        for (name, p) in [("p50", 50), ("p90", 90), ("p99", 99), ("max", 100)] {
            durationRow("exposure \(name)", "exposure_\(name)_ms") { $0.thefts == 0 ? nil : StudyReport.percentile($0.exposures, p) }
        }
        rows.append(Row(label: "detected by reuse", key: "detected_percent",
                        cells: tallies.map { $0.thefts == 0 ? "-" : StudyReport.percent($0.detections.count, of: $0.thefts) },
                        values: tallies.map { $0.thefts == 0 ? "" : StudyReport.decimal($0.detections.count * 100, over: $0.thefts, places: 1) }))
        durationRow("time to detect p50", "detection_p50_ms") { $0.detections.isEmpty ? nil : StudyReport.percentile($0.detections, 50) }
        row("false logouts/1k u-d", "false_logouts_per_1000_user_days") {
            StudyReport.decimal($0.falseLogouts.reduce(0, +) * 1000, over: userDays, places: 1)
        }
        for cause in LogoutCause.allCases {
            // The two rare causes only when they happened somewhere.
            if cause == .otherReuse || cause == .other, !tallies.contains(where: { $0.falseLogouts[cause.rawValue] > 0 }) { continue }
            row("  \(cause.label)", "false_logouts_\(cause.key)") { StudyReport.decimal($0.falseLogouts[cause.rawValue] * 1000, over: userDays, places: 1) }
        }
        row("caught-theft logouts", "detection_logouts") { "\($0.detectionLogouts)" }
        row("token req/s mean", "token_requests_per_second_mean") { StudyReport.decimal($0.tokenRequestsByMinute.reduce(0) { $0 + Int($1) }, over: seconds, places: 3) }
        row("token req/s peak min", "token_requests_per_second_peak_minute") { StudyReport.decimal(Int($0.tokenRequestsByMinute.max() ?? 0), over: 60, places: 3) }
        if spec.columns.contains(where: { $0.policy.validation == .introspection }) {
            row("introspect/s mean", "introspections_per_second_mean") { StudyReport.decimal($0.introspectionsByMinute.reduce(0) { $0 + Int($1) }, over: seconds, places: 3) }
            row("introspect/s peak min", "introspections_per_second_peak_minute") { StudyReport.decimal(Int($0.introspectionsByMinute.max() ?? 0), over: 60, places: 3) }
        }
        row("refreshes/user-day", "refreshes_per_user_day") { StudyReport.decimal($0.refreshes, over: userDays, places: 2) }
        row("logins/user-day", "logins_per_user_day") { StudyReport.decimal($0.logins, over: userDays, places: 2) }
        row("calls/user-day", "calls_per_user_day") { StudyReport.decimal($0.calls, over: userDays, places: 1) }
        if tallies.contains(where: { $0.attackLineErrors > 0 }) { row("attack lines refused", "attack_lines_refused") { "\($0.attackLineErrors)" } }
        return rows
    }

    // MARK: Text

    /// The header lines: what was studied.
    public var header: [String] {
        let u = spec.usage
        var lines = ["study: \(usersRun) users × \(spec.days) day\(spec.days == 1 ? "" : "s"), seed \(spec.seed)" + (usersRun < spec.users ? " (interrupted: \(usersRun) of \(spec.users) users ran)" : "")]
        lines.append("usage: \(u.sessionsPerDay) sessions a day between \(StudyReport.hour(u.activeFrom)) and \(StudyReport.hour(u.activeUntil)), "
                     + "~\(u.sessionLength.text) each, a call every ~\(u.callInterval.text); of refreshes, \(u.twoTabs.text) race a second tab, "
                     + "\(u.lostResponse.text) lose their response")
        lines.append("incidents: " + (spec.incidents.isEmpty ? "none" : spec.incidents.map { "\($0.attack) (\($0.chance.text) of users)" }.joined(separator: ", ")))
        return lines
    }

    /// The table for a terminal of `width` columns, the policies named in a
    /// legend when their names would not fit, then the histogram.
    public func text(width: Int = 80) -> [String] {
        var lines = header.flatMap { TextWrap.words($0, width: width, indent: 2) }
        let table = rows.map { [$0.label] + $0.cells }
        let natural = TextTable.render(header: ["figure"] + spec.columns.map(\.label), rows: table)
        // Names that fit the table and the histogram's columns head them; otherwise letters and a legend.
        let named = natural.allSatisfy { $0.count <= width } && spec.columns.allSatisfy { $0.label.count <= histogramColumnWidth(width) }
        if named {
            lines.append("")
            lines += natural
        } else {
            for (i, column) in spec.columns.enumerated() { lines.append("\(StudyReport.letter(i)) = \(column.label)") }
            lines.append("")
            lines += TextTable.render(header: ["figure"] + spec.columns.indices.map(StudyReport.letter), rows: table, width: width)
        }
        lines.append("")
        lines += histogram(width: width, names: named ? spec.columns.map(\.label) : spec.columns.indices.map(StudyReport.letter))
        return lines
    }

    static let buckets: [(label: String, below: Int64)] = [
        ("never", 1), ("< 5m", Duration.minutes(5).milliseconds), ("< 15m", Duration.minutes(15).milliseconds),
        ("< 1h", Duration.hours(1).milliseconds), ("< 8h", Duration.hours(8).milliseconds), ("< 1d", Duration.days(1).milliseconds),
        ("< 7d", Duration.days(7).milliseconds), (">= 7d", Int64.max),
    ]

    /// Thefts by exposure window: a bar of `#` per policy, counts after it.
    func histogram(width: Int, names: [String]) -> [String] {
        guard tallies.contains(where: { $0.thefts > 0 }) else { return ["exposure: no thefts, nothing to draw"] }
        let counts = tallies.map { tally in
            StudyReport.buckets.indices.map { b in
                let low = b == 0 ? Int64.min : StudyReport.buckets[b - 1].below
                return tally.exposures.filter { $0 >= low && $0 < StudyReport.buckets[b].below }.count
            }
        }
        let columnWidth = histogramColumnWidth(width)
        let barWidth = columnWidth - 5
        let most = max(1, counts.flatMap { $0 }.max() ?? 1)
        var lines = ["thefts by exposure window (# scaled to the largest count)"]
        lines.append("window  " + names.map { StudyReport.pad(String($0.prefix(columnWidth)), columnWidth) }.joined(separator: " "))
        for b in StudyReport.buckets.indices {
            let cells = counts.map { column -> String in
                let n = column[b]
                let bar = String(repeating: "#", count: n == 0 ? 0 : max(1, n * barWidth / most))
                return StudyReport.pad(bar + (n == 0 ? "." : " \(n)"), columnWidth)
            }
            lines.append(StudyReport.pad(StudyReport.buckets[b].label, 8) + cells.joined(separator: " "))
        }
        return lines.map { $0.trimmingTrailingSpaces() }
    }

    func histogramColumnWidth(_ width: Int) -> Int { max(8, min(24, (width - 8) / max(1, spec.columns.count) - 1)) }

    // MARK: Other formats

    public var csv: [String] {
        ["figure," + spec.columns.map { StudyReport.csvField($0.label) }.joined(separator: ",")]
            + rows.map { row in ([row.key] + row.values).map(StudyReport.csvField).joined(separator: ",") }
    }

    public var markdown: [String] {
        header.map { "- " + $0 } + [""]
            + ["| figure | " + spec.columns.map { "`\($0.label)`" }.joined(separator: " | ") + " |",
               "|---|" + spec.columns.map { _ in "---:" }.joined(separator: "|") + "|"]
            + rows.map { "| \($0.label.trimmingLeadingSpaces()) | " + $0.cells.joined(separator: " | ") + " |" }
    }

    /// Figures as numbers: durations in milliseconds, rates as decimals.
    public var json: String {
        let userDays = max(1, usersRun * spec.days)
        let seconds = spec.days * 86_400
        func rate(_ n: Int, _ d: Int) -> JSONValue { .number(StudyReport.decimal(n, over: d, places: 4)) }
        let columns: [JSONValue] = zip(spec.columns, tallies).map { column, t in
            let causes = LogoutCause.allCases.map { JSONMember($0.key, .int(t.falseLogouts[$0.rawValue])) }
            let tokens = t.tokenRequestsByMinute.reduce(0) { $0 + Int($1) }
            let introspections = t.introspectionsByMinute.reduce(0) { $0 + Int($1) }
            return .object([
                "policy": .string(column.label),
                "thefts": .int(Int64(t.thefts)),
                "exposure_ms": .object(["p50": percentileJSON(t.exposures, 50), "p90": percentileJSON(t.exposures, 90),
                                        "p99": percentileJSON(t.exposures, 99), "max": percentileJSON(t.exposures, 100)]),
                "detected": .int(Int64(t.detections.count)),
                "detection_ms": .object(["p50": percentileJSON(t.detections, 50), "max": percentileJSON(t.detections, 100)]),
                "false_logouts": JSONValue.object(causes),
                "false_logouts_per_1000_user_days": rate(t.falseLogouts.reduce(0, +) * 1000, userDays),
                "detection_logouts": .int(Int64(t.detectionLogouts)),
                "token_requests": .int(Int64(tokens)),
                "token_requests_per_second_mean": rate(tokens, seconds),
                "token_requests_peak_minute": .int(Int64(t.tokenRequestsByMinute.max() ?? 0)),
                "introspections": .int(Int64(introspections)),
                "introspections_peak_minute": .int(Int64(t.introspectionsByMinute.max() ?? 0)),
                "refreshes": .int(Int64(t.refreshes)),
                "refreshes_per_user_day": rate(t.refreshes, userDays),
                "logins": .int(Int64(t.logins)),
                "calls": .int(Int64(t.calls)),
                "calls_succeeded": .int(Int64(t.callsSucceeded)),
            ])
        }
        let u = spec.usage
        return JSONValue.object([
            "users": .int(Int64(usersRun)), "users_asked": .int(Int64(spec.users)), "days": .int(Int64(spec.days)),
            "seed": .string(String(spec.seed)),
            "usage": .object([
                "active_from_ms": .int(u.activeFrom.milliseconds), "active_until_ms": .int(u.activeUntil.milliseconds),
                "sessions_per_day": .int(Int64(u.sessionsPerDay)), "session_length_ms": .int(u.sessionLength.milliseconds),
                "call_interval_ms": .int(u.callInterval.milliseconds),
                "two_tabs_ppm": .int(Int64(u.twoTabs.partsPerMillion)), "lost_response_ppm": .int(Int64(u.lostResponse.partsPerMillion)),
            ]),
            "incidents": .array(spec.incidents.map { .object(["attack": .string($0.attack), "ppm": .int(Int64($0.chance.partsPerMillion))]) }),
            "policies": .array(columns),
        ]).prettyText
    }

    private func percentileJSON(_ sorted: [Int64], _ p: Int) -> JSONValue { sorted.isEmpty ? .null : .int(StudyReport.percentile(sorted, p)) }

    // MARK: Arithmetic and text

    /// The nearest-rank percentile of sorted values (p = 100: the maximum).
    static func percentile(_ sorted: [Int64], _ p: Int) -> Int64 {
        precondition(!sorted.isEmpty, "a percentile of something")
        let rank = (p * sorted.count + 99) / 100
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    static func duration(_ ms: Int64) -> String { ms == 0 ? "0s" : Duration(milliseconds: ms).roughText }

    /// `n / d` with `places` decimals, rounded half up, in integers.
    static func decimal(_ n: Int, over d: Int, places: Int) -> String {
        guard d > 0 else { return "-" }
        let scale = (0..<places).reduce(1) { result, _ in result * 10 }
        let scaled = (n * scale * 2 + d) / (2 * d)
        let whole = "\(scaled / scale)"
        guard places > 0 else { return whole }
        let fraction = "\(scaled % scale)"
        return whole + "." + String(repeating: "0", count: places - fraction.count) + fraction
    }

    static func percent(_ n: Int, of d: Int) -> String { decimal(n * 100, over: d, places: 0) + "%" }

    static func hour(_ d: Duration) -> String {
        let minutes = d.milliseconds / 60_000
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }

    static func letter(_ i: Int) -> String { String(UnicodeScalar(UInt8(65 + i))) }

    static func pad(_ text: String, _ width: Int) -> String { text.count >= width ? text : text + String(repeating: " ", count: width - text.count) }

    static func csvField(_ text: String) -> String {
        let trimmed = text.trimmingLeadingSpaces()
        return trimmed.contains(",") || trimmed.contains("\"") ? "\"" + trimmed.replacingAll("\"", with: "\"\"") + "\"" : trimmed
    }
}

extension LogoutCause {
    var key: String {
        switch self {
        case .twoTabs: "reuse_two_tabs"
        case .lostResponse: "reuse_lost_response"
        case .otherReuse: "reuse_other"
        case .idleExpiry: "idle_expiry"
        case .absoluteExpiry: "absolute_expiry"
        case .other: "other_revocation"
        }
    }
}

private extension String {
    func trimmingLeadingSpaces() -> String { String(drop(while: { $0 == " " })) }
}
