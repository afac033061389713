/// base64url without padding (RFC 4648 §5), as JWS compact serialization uses it.
public enum Base64URL {
    /// The 6-bit value of a base64url character, or 0xFF. Arithmetic rather
    /// than a table: a static table costs a lazy-initialization check per use.
    @inline(__always)
    static func sextet(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): c &- 65
        case UInt8(ascii: "a")...UInt8(ascii: "z"): c &- 71
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c &+ 4
        case UInt8(ascii: "-"): 62
        case UInt8(ascii: "_"): 63
        default: 0xFF
        }
    }

    public static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        func text(_ raw: UnsafeRawBufferPointer) -> String {
            guard raw.count > 0 else { return "" }
            return String(unsafeUninitializedCapacity: encodedCount(of: raw.count)) { encode(raw, to: $0.baseAddress!) }
        }
        return bytes.withContiguousStorageIfAvailable { text(UnsafeRawBufferPointer($0)) } ?? Array(bytes).withUnsafeBytes(text)
    }

    public static func encode<Bytes: Collection>(_ bytes: Bytes, into out: inout [UInt8]) where Bytes.Element == UInt8 {
        if let done: Void = bytes.withContiguousStorageIfAvailable({ encode(UnsafeRawBufferPointer($0), into: &out) }) {
            return done
        }
        Array(bytes).withUnsafeBytes { encode($0, into: &out) }
    }

    /// The number of characters `count` bytes encode to, without padding.
    @inline(__always)
    public static func encodedCount(of count: Int) -> Int { count / 3 * 4 + (count % 3 == 0 ? 0 : count % 3 + 1) }

    /// Three bytes to four characters at a time; the tail without padding.
    public static func encode(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let start = out.count
        let produced = encodedCount(of: bytes.count)
        out.append(contentsOf: repeatElement(0, count: produced))
        out.withUnsafeMutableBufferPointer { buffer in _ = encode(bytes, to: buffer.baseAddress! + start) }
    }

    /// Writes the encoding of `bytes` at `out` (room for `encodedCount(of:)`
    /// characters) and returns how many it wrote: the hot path of minting.
    @discardableResult
    public static func encode(_ bytes: UnsafeRawBufferPointer, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        let table = alphabet.utf8Start
        let n = bytes.count
        var i = 0, o = 0
        while i + 3 <= n {
            let word = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out[o] = table[Int(word >> 18)]
            out[o + 1] = table[Int((word >> 12) & 0x3F)]
            out[o + 2] = table[Int((word >> 6) & 0x3F)]
            out[o + 3] = table[Int(word & 0x3F)]
            i += 3
            o += 4
        }
        switch n - i {
        case 1:
            let word = UInt32(bytes[i]) << 16
            out[o] = table[Int(word >> 18)]
            out[o + 1] = table[Int((word >> 12) & 0x3F)]
            o += 2
        case 2:
            let word = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out[o] = table[Int(word >> 18)]
            out[o + 1] = table[Int((word >> 12) & 0x3F)]
            out[o + 2] = table[Int((word >> 6) & 0x3F)]
            o += 3
        default:
            break
        }
        return o
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var out = [UInt8]()
        let ok = text.utf8.withContiguousStorageIfAvailable { decode($0, into: &out) }
            ?? decode(Array(text.utf8).withUnsafeBufferPointer { $0 }, into: &out)
        return ok ? out : nil
    }

    /// Decodes into `out` (appending). False on a character outside the
    /// alphabet, on padding, or on a length that no byte string encodes to.
    public static func decode(_ input: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        if input.count % 4 == 1 { return false }
        var buffer: UInt32 = 0
        var bits = 0
        for char in input {
            let value = sextet(char)
            if value == 0xFF { return false }
            buffer = (buffer << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        // Leftover bits must be zero, so each byte string has exactly one spelling.
        return buffer & ((1 << UInt32(bits)) - 1) == 0
    }
}

extension Base64URL {
    /// 256 entries: the 6-bit value of each byte, 0xFF for bytes outside the alphabet.
    static let decodeTable: [UInt8] = (0...255).map { sextet(UInt8($0)) }

    /// Decodes `input` into a stack buffer and hands the bytes to `body`;
    /// nil if `input` is not base64url. No heap allocation for token-sized
    /// input; four characters at a time through a table on the hot path.
    static func decodeScratch<R>(_ input: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        let n = input.count
        guard n % 4 != 1 else { return nil }
        return decodeTable.withUnsafeBufferPointer { table -> R? in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: n * 3 / 4 + 3) { scratch -> R? in
                var i = 0, o = 0
                while i + 4 <= n {
                    let a = UInt32(table[Int(input[i])]), b = UInt32(table[Int(input[i + 1])])
                    let c = UInt32(table[Int(input[i + 2])]), d = UInt32(table[Int(input[i + 3])])
                    if (a | b | c | d) & 0x80 != 0 { return nil }
                    let word = a << 18 | b << 12 | c << 6 | d
                    scratch[o] = UInt8(truncatingIfNeeded: word >> 16)
                    scratch[o + 1] = UInt8(truncatingIfNeeded: word >> 8)
                    scratch[o + 2] = UInt8(truncatingIfNeeded: word)
                    i += 4
                    o += 3
                }
                let rest = n - i
                if rest >= 2 {
                    let a = UInt32(table[Int(input[i])]), b = UInt32(table[Int(input[i + 1])])
                    let c = rest == 3 ? UInt32(table[Int(input[i + 2])]) : 0
                    if (a | b | c) & 0x80 != 0 { return nil }
                    let word = a << 18 | b << 12 | c << 6
                    scratch[o] = UInt8(truncatingIfNeeded: word >> 16)
                    o += 1
                    if rest == 3 {
                        scratch[o] = UInt8(truncatingIfNeeded: word >> 8)
                        o += 1
                        if word & 0xFF != 0 { return nil } // leftover bits must be zero
                    } else if word & 0xFFFF != 0 {
                        return nil
                    }
                }
                return body(UnsafeBufferPointer(rebasing: scratch[0..<o]))
            }
        }
    }
}
