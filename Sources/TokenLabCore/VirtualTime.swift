/// A point in virtual time: integer milliseconds since the simulation's epoch.
///
/// Never derived from the wall clock. Tokens turn it into Unix seconds with
/// `unixSeconds(epoch:)`, so `iat`/`exp` are a pure function of the run.
@frozen
public struct VirtualTime: Hashable, Comparable, Sendable {
    public var milliseconds: Int64

    @inlinable public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static let zero = VirtualTime(milliseconds: 0)

    @inlinable public static func < (a: VirtualTime, b: VirtualTime) -> Bool { a.milliseconds < b.milliseconds }

    /// The last representable instant: where a far-future claim such as
    /// `exp: 999999999999999999` lands (about 292 million years on).
    public static let latest = VirtualTime(milliseconds: .max)
    /// The first representable instant, for claims far in the past.
    public static let earliest = VirtualTime(milliseconds: .min)

    /// Saturates at `latest`/`earliest`: times read from tokens can be any
    /// Int64, and a far-future expiry plus a leeway is still far future.
    @inlinable public static func + (t: VirtualTime, d: Duration) -> VirtualTime {
        VirtualTime(milliseconds: saturatingSum(t.milliseconds, d.milliseconds))
    }

    /// Saturates rather than trapping, like `+`.
    @inlinable public static func - (a: VirtualTime, b: VirtualTime) -> Duration {
        let (difference, overflow) = a.milliseconds.subtractingReportingOverflow(b.milliseconds)
        guard overflow else { return Duration(milliseconds: difference) }
        return Duration(milliseconds: a.milliseconds < b.milliseconds ? .min : .max)
    }

    /// Unix seconds of this instant, for JWT claims (rounded down).
    public func unixSeconds(epoch: Int64) -> Int64 {
        saturatingSum(epoch, floorDivide(milliseconds, 1000))
    }

    /// The first virtual instant at which the Unix second `seconds` has
    /// begun; `latest`/`earliest` when that lies beyond Int64 milliseconds.
    public static func fromUnixSeconds(_ seconds: Int64, epoch: Int64) -> VirtualTime {
        fromUnixMilliseconds(saturatingProduct(seconds, 1000), epoch: epoch)
    }

    /// The virtual instant of a Unix time in milliseconds, saturating. A
    /// Unix time already clamped to Int64's ends stays at the ends.
    public static func fromUnixMilliseconds(_ milliseconds: Int64, epoch: Int64) -> VirtualTime {
        if milliseconds == .max { return .latest }
        if milliseconds == .min { return .earliest }
        let (offset, overflow) = milliseconds.subtractingReportingOverflow(saturatingProduct(epoch, 1000))
        guard overflow else { return VirtualTime(milliseconds: offset) }
        return milliseconds < 0 ? .earliest : .latest
    }

    /// `00:05:00.020`, or `2d 03:00:00.000` past the first day.
    public var clockText: String { format(withMilliseconds: true) }

    /// `00:05:00`: the prompt's precision.
    public var shortClockText: String { format(withMilliseconds: false) }

    private func format(withMilliseconds: Bool) -> String {
        let sign = milliseconds < 0 ? "-" : ""
        let ms = milliseconds.magnitude
        let days = ms / 86_400_000
        let hours = ms / 3_600_000 % 24
        let minutes = ms / 60_000 % 60
        let seconds = ms / 1000 % 60
        var text = sign + (days > 0 ? "\(days)d " : "")
        text += pad(hours, 2) + ":" + pad(minutes, 2) + ":" + pad(seconds, 2)
        if withMilliseconds { text += "." + pad(ms % 1000, 3) }
        return text
    }
}

func pad(_ value: UInt64, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

/// `a + b`, clamped to Int64's range instead of trapping.
@inlinable public func saturatingSum(_ a: Int64, _ b: Int64) -> Int64 {
    let (sum, overflow) = a.addingReportingOverflow(b)
    guard overflow else { return sum }
    return b < 0 ? .min : .max
}

/// `a * b`, clamped to Int64's range instead of trapping.
@inlinable public func saturatingProduct(_ a: Int64, _ b: Int64) -> Int64 {
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    guard overflow else { return product }
    return (a < 0) != (b < 0) ? .min : .max
}

func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
