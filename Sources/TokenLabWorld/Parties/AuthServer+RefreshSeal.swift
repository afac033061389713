import TokenLabCore
import TokenLabTokens

/// A refresh token: 128 random bits, its family's number, its generation in
/// the family, and the first 64 bits of an HMAC over all three under the
/// server's own key. 32 bytes, 43 base64url characters: opaque to everyone
/// else (RFC 6749 §1.5), readable by this server alone.
extension AuthServer {
    struct SealedRefresh: Equatable {
        let family: Int
        let generation: Int32
    }

    func sealedRefreshToken(family index: Int, generation: Int32) -> String {
        var bytes = refreshSecrets.bytes(16)
        withUnsafeBytes(of: UInt32(index).bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(bitPattern: generation).bigEndian) { bytes.append(contentsOf: $0) }
        bytes += refreshSeal.signature(for: bytes).prefix(8)
        return Base64URL.encode(bytes)
    }

    /// The family and generation a refresh token names, if this server sealed it.
    func unseal(_ token: String) -> SealedRefresh? {
        guard token.utf8.count == 43, let bytes = Base64URL.decode(token), bytes.count == 32 else { return nil }
        let matches = bytes.withUnsafeBytes { raw in
            refreshSeal.signature(for: UnsafeRawBufferPointer(rebasing: raw[..<24])).withUnsafeBytes { mac in
                constantTimeEquals(UnsafeRawBufferPointer(rebasing: mac[..<8]), UnsafeRawBufferPointer(rebasing: raw[24...]))
            }
        }
        guard matches else { return nil }
        let family = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let generation = Int32(bitPattern: bytes[20..<24].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        guard family < families.count, generation >= 1 else { return nil }
        return SealedRefresh(family: family, generation: generation)
    }

    /// The family a refresh token names, if this server sealed it.
    func sealedFamily(of token: String) -> Int? { unseal(token)?.family }
}
