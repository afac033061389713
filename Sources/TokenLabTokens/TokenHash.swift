
/// The SHA-256 of an opaque token: what the auth server stores instead of
/// the token itself (RFC 6819 §5.1.4.1.3), so a leaked table yields nothing usable.
public struct TokenHash: Hashable, Sendable, CustomStringConvertible {
    public let words: (UInt64, UInt64, UInt64, UInt64)

    public init(of token: String) {
        var copy = token
        words = copy.withUTF8 { bytes in
            withSHA256(of: UnsafeRawBufferPointer(bytes)) { raw in
                (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                 raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            }
        }
    }

    /// A hash from its four words (tests build colliding prefixes with it).
    public init(words: (UInt64, UInt64, UInt64, UInt64)) { self.words = words }

    public static func == (a: TokenHash, b: TokenHash) -> Bool { a.words == b.words }

    public func hash(into hasher: inout Hasher) { hasher.combine(words.0) }

    /// Lowercase hex of the 32 bytes, as an insider reading the table would see it.
    public var description: String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 64) { buffer in
            var index = 0
            for word in [words.0, words.1, words.2, words.3] {
                var w = word
                for _ in 0..<8 {
                    let byte = Int(truncatingIfNeeded: w & 0xFF)
                    buffer[index] = digits.utf8Start[byte >> 4]
                    buffer[index + 1] = digits.utf8Start[byte & 0xF]
                    index += 2
                    w >>= 8
                }
            }
            return 64
        }
    }
}
