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

    @inlinable public static func + (t: VirtualTime, d: Duration) -> VirtualTime {
        VirtualTime(milliseconds: t.milliseconds &+ d.milliseconds)
    }

    @inlinable public static func - (a: VirtualTime, b: VirtualTime) -> Duration {
        Duration(milliseconds: a.milliseconds - b.milliseconds)
    }

    /// Unix seconds of this instant, for JWT claims (rounded down).
    public func unixSeconds(epoch: Int64) -> Int64 {
        epoch + floorDivide(milliseconds, 1000)
    }

    /// The first virtual instant at which the Unix second `seconds` has begun.
    public static func fromUnixSeconds(_ seconds: Int64, epoch: Int64) -> VirtualTime {
        VirtualTime(milliseconds: (seconds - epoch) * 1000)
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

func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
