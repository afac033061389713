import CLibCrypto

/// An HMAC-SHA256 signing key (JWS `HS256`, RFC 7518 §3.2; HMAC per RFC 2104)
/// with its key id.
///
/// The inner and outer SHA-256 states (after absorbing the key XOR ipad and
/// opad) are computed once, in the system libcrypto; each MAC copies them and
/// hashes only the message and the inner digest, into a stack buffer.
public struct HS256Key: Sendable {
    public let kid: String
    public let secret: [UInt8]
    private let states: HMACStates

    public init(kid: String, secret: [UInt8]) {
        self.kid = kid
        self.secret = secret
        states = HMACStates(secret: secret)
    }

    /// Calls `body` with the 32-byte HMAC of `input`.
    @inline(__always)
    private func withMAC<R>(of input: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { out in
            let made = tl_hmac_sha256(states.key, input.baseAddress, input.count, out.baseAddress!.assumingMemoryBound(to: UInt8.self))
            precondition(made == 1, "libcrypto could not compute an HMAC-SHA256")
            return body(UnsafeRawBufferPointer(out))
        }
    }

    /// The 32-byte HMAC of `input`.
    public func signature(for input: UnsafeRawBufferPointer) -> [UInt8] {
        withMAC(of: input) { Array($0) }
    }

    public func signature(for input: [UInt8]) -> [UInt8] {
        input.withUnsafeBytes { signature(for: $0) }
    }

    /// Writes the base64url HMAC of `input` (43 characters) at `out`; returns 43.
    public func writeSignature(for input: UnsafeRawBufferPointer, to out: UnsafeMutablePointer<UInt8>) -> Int {
        withMAC(of: input) { Base64URL.encode($0, to: out) }
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
    return copy.withUTF8 { withSHA256(of: UnsafeRawBufferPointer($0)) { Array($0) } }
}

/// SHA-256 of bytes (a trace's body, for its digest).
public func sha256(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
    withSHA256(of: bytes) { Array($0) }
}

/// One-shot SHA-256, handed to `body` from a stack buffer.
@inline(__always)
func withSHA256<R>(of bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { out in
        let made = tl_sha256(bytes.baseAddress, bytes.count, out.baseAddress!.assumingMemoryBound(to: UInt8.self))
        precondition(made == 1, "libcrypto could not compute a SHA-256")
        return body(UnsafeRawBufferPointer(out))
    }
}

/// The libcrypto states of one HMAC key, freed with it. Immutable once made:
/// every MAC copies them into its own thread's scratch context.
final class HMACStates: @unchecked Sendable {
    let key: OpaquePointer

    init(secret: [UInt8]) {
        guard let key = secret.withUnsafeBufferPointer({ tl_hmac_key_new($0.baseAddress, $0.count) }) else {
            fatalError("libcrypto could not key an HMAC-SHA256")
        }
        self.key = key
    }

    deinit { tl_hmac_key_free(key) }
}
