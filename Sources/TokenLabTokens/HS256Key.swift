import Crypto

/// An HMAC-SHA256 signing key (JWS `HS256`, RFC 7518 §3.2; HMAC per RFC 2104)
/// with its key id.
///
/// The inner and outer SHA-256 states (after absorbing the key XOR ipad and
/// opad) are computed once; each MAC copies them and hashes only the message
/// and the inner digest. That halves the work of keying per token (see
/// FACTS.md), and using SHA-256's `update(bufferPointer:)` keeps the hot path
/// off the generic `DataProtocol` route.
public struct HS256Key: Sendable {
    public let kid: String
    public let secret: [UInt8]
    private let inner: SHA256
    private let outer: SHA256

    public init(kid: String, secret: [UInt8]) {
        self.kid = kid
        self.secret = secret
        var block = [UInt8](repeating: 0, count: 64)
        if secret.count > 64 {
            let digest = secret.withUnsafeBytes { sha256Digest($0) }
            for (i, byte) in digest.enumerated() { block[i] = byte }
        } else {
            for (i, byte) in secret.enumerated() { block[i] = byte }
        }
        var inner = SHA256()
        var outer = SHA256()
        block.map { $0 ^ 0x36 }.withUnsafeBytes { inner.update(bufferPointer: $0) }
        block.map { $0 ^ 0x5c }.withUnsafeBytes { outer.update(bufferPointer: $0) }
        self.inner = inner
        self.outer = outer
    }

    /// Calls `body` with the 32-byte HMAC of `input`.
    @inline(__always)
    private func withMAC<R>(of input: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        var innerHash = inner
        innerHash.update(bufferPointer: input)
        let innerDigest = innerHash.finalize()
        var outerHash = outer
        innerDigest.withUnsafeBytes { outerHash.update(bufferPointer: $0) }
        return outerHash.finalize().withUnsafeBytes(body)
    }

    /// The 32-byte HMAC of `input`.
    public func signature(for input: UnsafeRawBufferPointer) -> [UInt8] {
        withMAC(of: input) { Array($0) }
    }

    public func signature(for input: [UInt8]) -> [UInt8] {
        input.withUnsafeBytes { signature(for: $0) }
    }

    /// Appends the base64url HMAC of `input` to `out`.
    public func appendSignature(for input: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        withMAC(of: input) { Base64URL.encode($0, into: &out) }
    }

    /// Whether `candidate` is the HMAC of `input`, compared in constant time
    /// so that timing reveals nothing about how many leading bytes matched.
    public func isValidSignature(_ candidate: UnsafeRawBufferPointer, for input: UnsafeRawBufferPointer) -> Bool {
        withMAC(of: input) { constantTimeEquals($0, candidate) }
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
    return copy.withUTF8 { Array(sha256Digest(UnsafeRawBufferPointer($0))) }
}

/// SHA-256 of bytes (a trace's body, for its digest).
public func sha256(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
    Array(sha256Digest(bytes))
}

/// One-shot SHA-256 through `update(bufferPointer:)`, the non-generic route.
func sha256Digest(_ bytes: UnsafeRawBufferPointer) -> SHA256.Digest {
    var hasher = SHA256()
    hasher.update(bufferPointer: bytes)
    return hasher.finalize()
}
