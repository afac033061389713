#if canImport(Glibc)
import Glibc
#endif

/// Reads the top-level members of a small JSON object in place, without
/// building strings or arrays: the resource server's hot path validates
/// every request with it. It only ever says "done" for plain, well-formed
/// input: anything unusual (escapes, non-ASCII bytes, nesting other than an
/// array of plain strings, fractions, leading zeros, a repeated member name,
/// broken syntax) reports `needsFullParser`, and the caller asks
/// `JSONValue.parse`, so every refusal, and its reason, comes from the one
/// strict parser. A differential test holds the two to the same verdicts.
struct FlatJSONScanner {
    enum Value {
        case string(UnsafeBufferPointer<UInt8>)
        case integer(Int64)
        case stringArray(UnsafeBufferPointer<UInt8>) // the raw text between [ and ]
    }

    enum Result { case done, needsFullParser }

    /// More members than this go to the full parser (a token has about ten).
    private static let maxMembers = 16

    /// Calls `body` with each member's raw key bytes, the key packed
    /// little-endian if it has at most eight bytes (0 if longer: compare
    /// those byte by byte), and its value.
    static func forEachMember(
        in bytes: UnsafeBufferPointer<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>, UInt64, Value) -> Void
    ) -> Result {
        var i = 0
        let n = bytes.count
        var names = 0
        @inline(__always) func skipSpace() { while i < n, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 } }
        // A plain string: printable ASCII only (no escapes, no control
        // characters, and no bytes ≥ 0x80, whose UTF-8 the full parser checks).
        // One pass up to the closing quote: claim strings are short, so a
        // plain loop beats a memchr call followed by a second pass.
        @inline(__always) func plainString() -> UnsafeBufferPointer<UInt8>? {
            guard i < n, bytes[i] == UInt8(ascii: "\"") else { return nil }
            let start = i + 1
            var j = start
            while j < n {
                let byte = bytes[j]
                if byte == UInt8(ascii: "\"") {
                    i = j + 1
                    return UnsafeBufferPointer(rebasing: bytes[start..<j])
                }
                if byte &- 0x20 >= 0x60 || byte == UInt8(ascii: "\\") { return nil }
                j += 1
            }
            return nil
        }
        // Whether `key` may repeat an earlier member name (RFC 7515 §4, RFC
        // 7519 §4). Names are compared by fingerprint: exact up to eight bytes
        // (plain names hold no NUL), the first eight bytes and the length
        // beyond. A match, true or not, sends the payload to the full parser,
        // which decides exactly. A 64-bit filter keeps the usual case to one
        // multiply and one test per name. A tuple is plain stack storage
        // (a SIMD vector would be copied whole on every write).
        var fingerprints: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                           UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
            = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var filter: UInt64 = 0
        // A member name, packed little-endian while it is read (plain names hold no NUL).
        @inline(__always) func plainKey() -> (UnsafeBufferPointer<UInt8>, UInt64)? {
            guard i < n, bytes[i] == UInt8(ascii: "\"") else { return nil }
            let start = i + 1
            var j = start
            var code: UInt64 = 0
            while j < n {
                let byte = bytes[j]
                if byte == UInt8(ascii: "\"") {
                    i = j + 1
                    return (UnsafeBufferPointer(rebasing: bytes[start..<j]), j - start <= 8 ? code : 0)
                }
                if byte &- 0x20 >= 0x60 || byte == UInt8(ascii: "\\") { return nil }
                if j - start < 8 { code |= UInt64(byte) << (8 * UInt64(j - start)) }
                j += 1
            }
            return nil
        }
        @inline(__always) func mayRepeat(_ key: UnsafeBufferPointer<UInt8>, code: UInt64) -> Bool {
            let fingerprint = key.count <= 8 ? code : key.prefixCode ^ UInt64(truncatingIfNeeded: key.count)
            let bit: UInt64 = 1 << ((fingerprint &* 0x9E37_79B9_7F4A_7C15) >> 58)
            let mayBeSeen = filter & bit != 0
            filter |= bit
            return withUnsafeMutableBytes(of: &fingerprints) { raw in
                let slots = raw.bindMemory(to: UInt64.self)
                if mayBeSeen {
                    for index in 0..<names where slots[index] == fingerprint { return true }
                }
                slots[names] = fingerprint
                names += 1
                return false
            }
        }
        skipSpace()
        guard i < n, bytes[i] == UInt8(ascii: "{") else { return .needsFullParser }
        i += 1
        skipSpace()
        if i < n, bytes[i] == UInt8(ascii: "}") { i += 1; skipSpace(); return i == n ? .done : .needsFullParser }
        while true {
            skipSpace()
            guard names < maxMembers, let (key, code) = plainKey() else { return .needsFullParser }
            guard !mayRepeat(key, code: code) else { return .needsFullParser }
            skipSpace()
            guard i < n, bytes[i] == UInt8(ascii: ":") else { return .needsFullParser }
            i += 1
            skipSpace()
            guard i < n else { return .needsFullParser }
            switch bytes[i] {
            case UInt8(ascii: "\""):
                guard let value = plainString() else { return .needsFullParser }
                body(key, code, .string(value))
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                var negative = false
                if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
                let digitsStart = i
                var value: Int64 = 0
                var digits = 0
                while i < n, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
                    guard digits < 18 else { return .needsFullParser }
                    value = value * 10 + Int64(bytes[i] - UInt8(ascii: "0"))
                    digits += 1
                    i += 1
                }
                // No digits, or a leading zero (RFC 8259 §6): the full parser says why.
                guard digits > 0, digits == 1 || bytes[digitsStart] != UInt8(ascii: "0") else { return .needsFullParser }
                if i < n, bytes[i] == UInt8(ascii: ".") || bytes[i] | 0x20 == UInt8(ascii: "e") { return .needsFullParser }
                body(key, code, .integer(negative ? -value : value))
            case UInt8(ascii: "["):
                let start = i + 1
                i += 1
                var expectsItem = false
                while true {
                    skipSpace()
                    if i < n, bytes[i] == UInt8(ascii: "]"), !expectsItem { break }
                    guard plainString() != nil else { return .needsFullParser }
                    skipSpace()
                    if i < n, bytes[i] == UInt8(ascii: ",") { i += 1; expectsItem = true; continue }
                    guard i < n, bytes[i] == UInt8(ascii: "]") else { return .needsFullParser }
                    break
                }
                body(key, code, .stringArray(UnsafeBufferPointer(rebasing: bytes[start..<i])))
                i += 1
            default:
                return .needsFullParser
            }
            skipSpace()
            guard i < n else { return .needsFullParser }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; skipSpace(); return i == n ? .done : .needsFullParser }
            return .needsFullParser
        }
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    func equals(_ text: StaticString) -> Bool {
        guard count == text.utf8CodeUnitCount else { return false }
        return memcmp(baseAddress, text.utf8Start, count) == 0
    }

    func equals(_ bytes: [UInt8]) -> Bool {
        guard count == bytes.count else { return false }
        return bytes.withUnsafeBufferPointer { memcmp(baseAddress, $0.baseAddress, count) == 0 }
    }

    var string: String { String(decoding: self, as: UTF8.self) }

    /// The first eight bytes packed little-endian (count must be at least 8).
    var prefixCode: UInt64 {
        guard count >= 8, let base = baseAddress else { return 0 }
        return UnsafeRawPointer(base).loadUnaligned(as: UInt64.self).littleEndian
    }
}

/// libc's memcmp (vectorized), for the byte comparisons on the hot path.
@inline(__always)
private func memcmp(_ a: UnsafePointer<UInt8>?, _ b: UnsafePointer<UInt8>?, _ n: Int) -> Int32 {
    guard n > 0, let a, let b else { return 0 }
    return Glibc.memcmp(a, b, n)
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// The index of the first `byte` at or after `start`, found with libc's memchr.
    func index(of byte: UInt8, from start: Int) -> Int? {
        guard start < count, let base = baseAddress else { return nil }
        guard let found = memchr(base + start, Int32(byte), count - start) else { return nil }
        return UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - base
    }
}

/// Packed names of the claims and header members the validator reads.
enum MemberName {
    static let exp: UInt64 = 0x70_7865, nbf: UInt64 = 0x66_626e, iat: UInt64 = 0x74_6169
    static let sub: UInt64 = 0x62_7573, iss: UInt64 = 0x73_7369, aud: UInt64 = 0x64_7561
    static let jti: UInt64 = 0x69_746a, sid: UInt64 = 0x64_6973, role: UInt64 = 0x656c_6f72
    static let scope: UInt64 = 0x65_706f_6373
    static let alg: UInt64 = 0x67_6c61, typ: UInt64 = 0x70_7974, kid: UInt64 = 0x64_696b
    static let crit: UInt64 = 0x7469_7263
}
