import Crypto

/// An HMAC-SHA256 signing key (JWS `HS256`, RFC 7518 §3.2) with its key id.
///
/// The HMAC is keyed once at creation and copied per use: copying the keyed
/// state is about twice as fast as keying for every token (see FACTS.md).
public struct HS256Key: Sendable {
    public let kid: String
    public let secret: [UInt8]
    private let keyed: HMAC<SHA256>

    public init(kid: String, secret: [UInt8]) {
        self.kid = kid
        self.secret = secret
        self.keyed = HMAC<SHA256>(key: SymmetricKey(data: secret))
    }

    /// The 32-byte HMAC of `input`.
    public func signature(for input: UnsafeRawBufferPointer) -> [UInt8] {
        var mac = keyed
        mac.update(data: input)
        return Array(mac.finalize())
    }

    public func signature(for input: [UInt8]) -> [UInt8] {
        input.withUnsafeBytes { signature(for: $0) }
    }

    /// Whether `candidate` is the HMAC of `input`, compared in constant time
    /// so that timing reveals nothing about how many leading bytes matched.
    public func isValidSignature(_ candidate: UnsafeRawBufferPointer, for input: UnsafeRawBufferPointer) -> Bool {
        var mac = keyed
        mac.update(data: input)
        let expected = mac.finalize()
        return expected.withUnsafeBytes { constantTimeEquals($0, candidate) }
    }

    /// The key as a JWK (RFC 7517 §4, RFC 7518 §6.4): a symmetric key is
    /// its own verification key, which is why real servers never publish one.
    public var jwk: JSONValue {
        .object([
            "kty": .string("oct"),
            "kid": .string(kid),
            "alg": .string("HS256"),
            "use": .string("sig"),
            "k": .string(Base64URL.encode(secret)),
        ])
    }
}

/// Compares two byte strings without an early exit on the first difference.
public func constantTimeEquals(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in 0..<a.count { difference |= a[i] ^ b[i] }
    return difference == 0
}

/// SHA-256 of a string's UTF-8 bytes: how the auth server stores refresh tokens.
public func sha256(_ text: String) -> [UInt8] {
    var copy = text
    return copy.withUTF8 { Array(SHA256.hash(data: UnsafeRawBufferPointer($0))) }
}
