/// base64url without padding (RFC 4648 §5), as JWS compact serialization uses it.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    public static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        encode(bytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public static func encode<Bytes: Collection>(_ bytes: Bytes, into out: inout [UInt8]) where Bytes.Element == UInt8 {
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 6 {
                bits -= 6
                out.append(alphabet[Int((buffer >> UInt32(bits)) & 0x3F)])
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(6 - bits)) & 0x3F)]) }
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
            let value = decodeTable[Int(char)]
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
    /// Decodes `input` into a stack buffer and hands the bytes to `body`;
    /// nil if `input` is not base64url. No heap allocation for token-sized input.
    static func decodeScratch<R>(_ input: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard input.count % 4 != 1 else { return nil }
        let capacity = input.count * 3 / 4 + 3
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { scratch -> R? in
            var buffer: UInt32 = 0
            var bits = 0
            var count = 0
            for char in input {
                let value = decodeTable[Int(char)]
                if value == 0xFF { return nil }
                buffer = (buffer << 6) | UInt32(value)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    scratch[count] = UInt8(truncatingIfNeeded: buffer >> UInt32(bits))
                    count += 1
                }
            }
            guard buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
            return body(UnsafeBufferPointer(rebasing: scratch[0..<count]))
        }
    }
}
