/// A span of virtual time in integer milliseconds.
///
/// Named `Duration` inside tokenlab's modules; it shadows the standard
/// library's type on purpose, which must never reach the simulation.
@frozen
public struct Duration: Hashable, Comparable, Sendable {
    public var milliseconds: Int64

    @inlinable public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static let zero = Duration(milliseconds: 0)
    public static func milliseconds(_ n: Int64) -> Duration { Duration(milliseconds: n) }
    public static func seconds(_ n: Int64) -> Duration { Duration(milliseconds: n * 1000) }
    public static func minutes(_ n: Int64) -> Duration { Duration(milliseconds: n * 60_000) }
    public static func hours(_ n: Int64) -> Duration { Duration(milliseconds: n * 3_600_000) }
    public static func days(_ n: Int64) -> Duration { Duration(milliseconds: n * 86_400_000) }

    @inlinable public static func < (a: Duration, b: Duration) -> Bool { a.milliseconds < b.milliseconds }
    @inlinable public static func + (a: Duration, b: Duration) -> Duration { Duration(milliseconds: a.milliseconds + b.milliseconds) }

    public var wholeSeconds: Int64 { milliseconds / 1000 }

    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1),
    ]

    /// Parses `250ms`, `90s`, `5m`, `2h`, `30d` and sums such as `1h30m`.
    /// Returns nil for anything else (no sign, no fractions, no bare numbers).
    public init?(parsing text: String) {
        var total: Int64 = 0
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, digits.count <= 12, let value = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let suffix = rest.prefix(while: { $0.isASCII && $0.isLetter })
            // "m" must not swallow the "m" of "ms": match the whole letter run.
            guard let unit = Duration.units.first(where: { $0.suffix == suffix }) else { return nil }
            rest = rest.dropFirst(suffix.count)
            let (product, overflow) = value.multipliedReportingOverflow(by: unit.milliseconds)
            guard !overflow, total <= Int64.max / 2 - product else { return nil }
            total += product
        }
        self.milliseconds = total
    }

    /// The shortest exact spelling: `20ms`, `90s` becomes `1m30s`, `1d2h`.
    public var text: String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds.magnitude
        var text = milliseconds < 0 ? "-" : ""
        for unit in Duration.units {
            let size = UInt64(unit.milliseconds)
            if rest >= size {
                text += "\(rest / size)\(unit.suffix)"
                rest %= size
            }
        }
        return text
    }
}
