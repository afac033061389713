import TokenLabCore
import TokenLabTokens

/// Trace records written straight into bytes: the same bytes `JSONValue`
/// writes (TraceEventLineTests holds them equal), without a String or a
/// JSON tree per record. A replay writes a million events through here and
/// compares the bytes with the file's as they come.
struct TraceBytes {
    var bytes: [UInt8] = []

    mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(byte: UInt8) { bytes.append(byte) }

    /// A decimal integer, as `String(value)` writes it.
    mutating func append(int value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(value.magnitude, width: 1)
    }

    /// `value` in decimal, padded with zeros to at least `width` (at most
    /// 20) digits: made on the stack, appended in one go.
    private mutating func appendDigits(_ value: UInt64, width: Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var index = 20
            var rest = value
            repeat {
                index -= 1
                digits[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0
            while 20 - index < width {
                index -= 1
                digits[index] = UInt8(ascii: "0")
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[index...]))
        }
    }

    /// `"text"`, quoted and escaped exactly as `JSONValue.writeString` does.
    mutating func appendQuoted(_ text: String) { appendJSONString(text, to: &bytes) }

    /// `"00:05:00.020"` (or `"2d 03:00:00.000"`): `clockText`, quoted.
    mutating func appendQuotedClock(_ time: VirtualTime) {
        guard time.milliseconds >= 0 else { return appendQuotedNegativeClock(time) }
        let ms = UInt64(time.milliseconds)
        bytes.append(UInt8(ascii: "\""))
        let days = ms / 86_400_000
        if days > 0 {
            appendDigits(days, width: 1)
            append("d ")
        }
        // The time of day and the closing quote: thirteen bytes at once.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 13) { out in
            func two(_ value: UInt64, at index: Int) {
                out[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value / 10)
                out[index + 1] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value % 10)
            }
            two(ms / 3_600_000 % 24, at: 0)
            out[2] = UInt8(ascii: ":")
            two(ms / 60_000 % 60, at: 3)
            out[5] = UInt8(ascii: ":")
            two(ms / 1000 % 60, at: 6)
            out[8] = UInt8(ascii: ".")
            out[9] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: ms % 1000 / 100)
            two(ms % 100, at: 10)
            out[12] = UInt8(ascii: "\"")
            bytes.append(contentsOf: UnsafeBufferPointer(out))
        }
    }

    /// Only a world built by hand has a time before zero.
    private mutating func appendQuotedNegativeClock(_ time: VirtualTime) {
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: "-"))
        let ms = time.milliseconds.magnitude
        let days = ms / 86_400_000
        if days > 0 {
            appendDigits(days, width: 1)
            append("d ")
        }
        appendDigits(ms / 3_600_000 % 24, width: 2)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(ms / 60_000 % 60, width: 2)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(ms / 1000 % 60, width: 2)
        bytes.append(UInt8(ascii: "."))
        appendDigits(ms % 1000, width: 3)
        bytes.append(UInt8(ascii: "\""))
    }
}
