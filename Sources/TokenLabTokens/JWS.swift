/// JWS compact serialization (RFC 7515 §7.1): `header.payload.signature`,
/// each part base64url without padding.
public enum JWS {
    /// Signs `header` and `payload` (their compact JSON text) with `key`.
    public static func sign(header: JSONValue, payload: JSONValue, key: HS256Key) -> String {
        sign(headerBytes: Array(header.text.utf8), payloadBytes: Array(payload.text.utf8), key: key)
    }

    /// Signs exact header and payload bytes: RFC 7515's appendix signs bytes
    /// containing `\r\n`, and forgeries need byte-level control too.
    public static func sign(headerBytes: [UInt8], payloadBytes: [UInt8], key: HS256Key) -> String {
        var input = [UInt8]()
        input.reserveCapacity(headerBytes.count * 2 + payloadBytes.count * 2 + 48)
        Base64URL.encode(headerBytes, into: &input)
        input.append(UInt8(ascii: "."))
        Base64URL.encode(payloadBytes, into: &input)
        let signingInputLength = input.count
        input.append(UInt8(ascii: "."))
        var signature = [UInt8]()
        signature.reserveCapacity(43)
        input.withUnsafeBytes { key.appendSignature(for: UnsafeRawBufferPointer(rebasing: $0[0..<signingInputLength]), to: &signature) }
        input.append(contentsOf: signature)
        return String(decoding: input, as: UTF8.self)
    }

    /// Signs with RS256 (the lab RSA key).
    public static func sign(header: JSONValue, payload: JSONValue, rsaKey: RS256Key) -> String {
        let input = Base64URL.encode(Array(header.text.utf8)) + "." + Base64URL.encode(Array(payload.text.utf8))
        return input + "." + Base64URL.encode(rsaKey.signature(for: Array(input.utf8)))
    }

    /// Assembles a token from parts without signing (e.g. `alg: none`, or a
    /// tampered payload kept with an old signature).
    public static func assemble(headerBytes: [UInt8], payloadBytes: [UInt8], signature: [UInt8]) -> String {
        Base64URL.encode(headerBytes) + "." + Base64URL.encode(payloadBytes) + "." + Base64URL.encode(signature)
    }
}

/// A compact JWS taken apart for people to read; nothing is verified here.
public struct DecodedJWS: Sendable {
    public let headerSegment: Substring
    public let payloadSegment: Substring
    public let signatureSegment: Substring
    public let header: JSONValue
    public let payload: JSONValue
    public let signature: [UInt8]

    public var signingInput: String { headerSegment + "." + payloadSegment }

    public enum FormatError: Error, Equatable, Sendable, CustomStringConvertible {
        case notThreeParts(Int)
        case badBase64(part: String)
        case badJSON(part: String, JSONParseError)
        public var description: String {
            switch self {
            case .notThreeParts(let n): "a JWS has 3 dot-separated parts, this has \(n)"
            case .badBase64(let part): "the \(part) is not base64url"
            case .badJSON(let part, let error): "the \(part) is not a JSON object (\(error))"
            }
        }
    }

    public init(_ token: String) throws(FormatError) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .notThreeParts(parts.count) }
        headerSegment = parts[0]
        payloadSegment = parts[1]
        signatureSegment = parts[2]
        header = try DecodedJWS.json(parts[0], part: "header")
        payload = try DecodedJWS.json(parts[1], part: "payload")
        guard let signature = Base64URL.decode(String(parts[2])) else { throw .badBase64(part: "signature") }
        self.signature = signature
    }

    private static func json(_ segment: Substring, part: String) throws(FormatError) -> JSONValue {
        guard let bytes = Base64URL.decode(String(segment)) else { throw .badBase64(part: part) }
        return try jsonObject(bytes, part: part)
    }

    /// The one reading of a decoded header or payload: strict JSON (RFC 8259,
    /// so valid UTF-8 and no leading zeros) and an object. `decode` and the
    /// validator's full path both call it, so they cannot disagree on it.
    static func jsonObject(_ bytes: [UInt8], part: String) throws(FormatError) -> JSONValue {
        let value: JSONValue
        do { value = try JSONValue.parse(bytes) } catch { throw .badJSON(part: part, error) }
        guard case .object = value else {
            throw .badJSON(part: part, JSONParseError(offset: 0, reason: "not an object"))
        }
        return value
    }
}

extension JSONValue {
    /// The first member of this object whose name an earlier member already
    /// used, in document order; nil when every name is unique.
    public var firstRepeatedMemberName: String? {
        guard case .object(let members) = self else { return nil }
        for (index, member) in members.enumerated() where members[..<index].contains(where: { $0.key == member.key }) {
            return member.key
        }
        return nil
    }
}
