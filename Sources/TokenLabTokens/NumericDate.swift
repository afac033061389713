import TokenLabCore

/// A NumericDate (RFC 7519 §2): seconds since 1970 written as any JSON
/// number, fractions and exponents included. Virtual time counts whole
/// milliseconds, so a NumericDate is read exactly and rounded *up* to the
/// next millisecond: `now >= exp` and `now < nbf` then mean the same in
/// milliseconds as in the claim's own precision. Values beyond Int64
/// milliseconds (about ±292 million years) are clamped there, never a trap.
public enum NumericDate {
    /// Unix milliseconds of a JSON number's text, or nil if it is not one
    /// (RFC 8259 §6: optional minus, no leading zeros, fraction, exponent).
    public static func unixMilliseconds(jsonNumber text: String) -> Int64? {
        var text = text
        return text.withUTF8 { unixMilliseconds(jsonNumber: $0) }
    }

    static func unixMilliseconds(jsonNumber text: UnsafeBufferPointer<UInt8>) -> Int64? {
        let zero = UInt8(ascii: "0")
        func isDigit(_ byte: UInt8) -> Bool { byte >= zero && byte <= UInt8(ascii: "9") }
        var i = 0
        let n = text.count
        let negative = i < n && text[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        // The significant digits, with the decimal exponent they carry.
        var significand: [UInt8] = []
        var exponent = 0
        let integerStart = i
        while i < n, isDigit(text[i]) { significand.append(text[i] - zero); i += 1 }
        let integerDigits = i - integerStart
        guard integerDigits > 0, integerDigits == 1 || text[integerStart] != zero else { return nil }
        if i < n, text[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < n, isDigit(text[i]) { significand.append(text[i] - zero); i += 1 }
            guard i > fractionStart else { return nil }
            exponent -= i - fractionStart
        }
        if i < n, text[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if i < n, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") { exponentNegative = text[i] == UInt8(ascii: "-"); i += 1 }
            let exponentStart = i
            var written = 0
            while i < n, isDigit(text[i]) {
                // Past a million the value is 0 or clamped either way; stop counting.
                written = min(written * 10 + Int(text[i] - zero), 1_000_000)
                i += 1
            }
            guard i > exponentStart else { return nil }
            exponent += exponentNegative ? -written : written
        }
        guard i == n else { return nil }
        // Milliseconds: three more powers of ten.
        exponent += 3
        while let first = significand.first, first == 0 { significand.removeFirst() }
        if significand.isEmpty { return 0 }
        var magnitude: Int64 = 0
        var overflow = false
        var remainderIsNonZero = false
        let kept = exponent >= 0 ? significand.count : significand.count + exponent
        for (index, digit) in significand.enumerated() {
            if index < kept {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(Int64(digit))
                overflow = overflow || o1 || o2
                magnitude = sum
            } else if digit != 0 {
                remainderIsNonZero = true
            }
            if overflow { break }
        }
        if !overflow, exponent > 0 {
            for _ in 0..<exponent {
                let (product, o) = magnitude.multipliedReportingOverflow(by: 10)
                if o { overflow = true; break }
                magnitude = product
            }
        }
        if overflow { return negative ? .min : .max }
        // Rounded up: toward +∞, so only a positive value with a remainder grows.
        if negative { return -magnitude }
        return remainderIsNonZero ? saturatingSum(magnitude, 1) : magnitude
    }

    /// Unix seconds of Unix milliseconds, rounded up: the second by which
    /// an expiry has certainly passed (a denylist may forget a token then).
    public static func secondsRoundedUp(_ milliseconds: Int64) -> Int64 {
        let seconds = milliseconds / 1000
        return milliseconds % 1000 > 0 ? seconds + 1 : seconds
    }

    /// Unix seconds of Unix milliseconds, rounded down.
    public static func secondsRoundedDown(_ milliseconds: Int64) -> Int64 {
        let seconds = milliseconds / 1000
        return milliseconds % 1000 < 0 ? seconds - 1 : seconds
    }
}

extension JSONValue {
    /// This value as a NumericDate in Unix milliseconds, if it is a number.
    public var numericDateMilliseconds: Int64? {
        guard case .number(let text) = self else { return nil }
        return NumericDate.unixMilliseconds(jsonNumber: text)
    }
}
