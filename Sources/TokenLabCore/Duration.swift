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

    /// The longest span any setting or `advance` accepts: 100 years of
    /// 365.25 days. Bounding every duration at parse time keeps sums of a
    /// few of them (a clock plus a latency) far from `Int64`'s limits.
    public static let maximum = Duration.days(36_525)

    /// Why a text is not an acceptable duration.
    public enum ParsingProblem: Error, Sendable, Equatable {
        /// Not of the form `250ms`, `90s`, `5m`, `2h`, `30d` or a sum of them.
        case notADuration
        /// Well formed, but longer than `Duration.maximum`.
        case beyondMaximum
    }

    /// Parses `250ms`, `90s`, `5m`, `2h`, `30d` and sums such as `1h30m`,
    /// at most `Duration.maximum`. No sign, no fractions, no bare numbers.
    public static func parse(_ text: String) -> Result<Duration, ParsingProblem> {
        // Sums saturate here: a huge value is reported as too long, never wrapped.
        let ceiling = Duration.maximum.milliseconds + 1
        var total: Int64 = 0
        var rest = Substring(text)
        guard !rest.isEmpty else { return .failure(.notADuration) }
        while !rest.isEmpty {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty else { return .failure(.notADuration) }
            rest = rest.dropFirst(digits.count)
            let suffix = rest.prefix(while: { $0.isASCII && $0.isLetter })
            // "m" must not swallow the "m" of "ms": match the whole letter run.
            guard let unit = Duration.units.first(where: { $0.suffix == suffix }) else { return .failure(.notADuration) }
            rest = rest.dropFirst(suffix.count)
            var value: Int64 = 0
            for digit in digits.utf8 { value = min(ceiling, value * 10 + Int64(digit - UInt8(ascii: "0"))) }
            let (product, overflow) = value.multipliedReportingOverflow(by: unit.milliseconds)
            total = overflow ? ceiling : min(ceiling, total + product)
        }
        return total > Duration.maximum.milliseconds ? .failure(.beyondMaximum) : .success(Duration(milliseconds: total))
    }

    /// `parse(_:)`, as an optional for callers that need no reason.
    public init?(parsing text: String) {
        guard case .success(let duration) = Duration.parse(text) else { return nil }
        self = duration
    }

    /// At most the two largest units, rounded down, for tables: `29d23h`
    /// rather than `29d23h59m59s940ms`; `~` marks that something was dropped.
    public var roughText: String {
        let exact = text
        var units = 0
        var end = exact.startIndex
        var index = exact.startIndex
        while index < exact.endIndex {
            let digits = exact[index...].prefix(while: \.isNumber)
            let letters = exact[exact.index(index, offsetBy: digits.count)...].prefix(while: \.isLetter)
            guard !digits.isEmpty, !letters.isEmpty else { break }
            index = exact.index(index, offsetBy: digits.count + letters.count)
            units += 1
            if units <= 2 { end = index }
        }
        return units <= 2 ? exact : "~" + exact[..<end]
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
