import Crypto
import TokenLabCore

/// A client's proof-of-possession key (RFC 9449), Ed25519, made from the
/// run's seeded bytes so proofs are the same on every run. In a browser it
/// would be a non-extractable WebCrypto key: script can use it, not take it.
public struct DPoPKey: Sendable {
    private let privateKey: Curve25519.Signing.PrivateKey
    /// The public key as a JWK (RFC 8037 §2), members in RFC 7638 order.
    public let jwk: JSONValue
    /// The RFC 7638 JWK SHA-256 thumbprint, base64url: what `cnf.jkt` holds.
    public let thumbprint: String

    public init(seed bytes: [UInt8]) {
        // A 32-byte seed is always a valid Ed25519 private key.
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes) else {
            preconditionFailure("an Ed25519 seed is 32 bytes, got \(bytes.count)")
        }
        privateKey = key
        jwk = DPoPKey.jwk(publicKey: Array(key.publicKey.rawRepresentation))
        thumbprint = DPoPKey.thumbprint(of: jwk)
    }

    static func jwk(publicKey: [UInt8]) -> JSONValue {
        .object(["crv": .string("Ed25519"), "kty": .string("OKP"), "x": .string(Base64URL.encode(publicKey))])
    }

    /// RFC 7638 §3: SHA-256 over the required members, sorted, no spaces.
    static func thumbprint(of jwk: JSONValue) -> String {
        let canonical = JSONValue.object([
            "crv": jwk["crv"] ?? .null, "kty": jwk["kty"] ?? .null, "x": jwk["x"] ?? .null,
        ]).text
        return Base64URL.encode(sha256(canonical))
    }

    /// A DPoP proof JWT (RFC 9449 §4.2) for one request.
    public func proof(method: String, url: String, issuedAt: Int64, id: String, accessToken: String? = nil) -> String {
        let header = JSONValue.object(["typ": .string("dpop+jwt"), "alg": .string("EdDSA"), "jwk": jwk])
        var claims = [JSONMember("jti", .string(id)), JSONMember("htm", .string(method)), JSONMember("htu", .string(url)),
                      JSONMember("iat", .int(issuedAt))]
        if let accessToken { claims.append(JSONMember("ath", .string(Base64URL.encode(sha256(accessToken))))) }
        let input = Base64URL.encode(Array(header.text.utf8)) + "." + Base64URL.encode(Array(JSONValue.object(claims).text.utf8))
        guard let signature = try? privateKey.signature(for: Array(input.utf8)) else {
            preconditionFailure("Ed25519 signing does not fail")
        }
        return input + "." + Base64URL.encode(Array(signature))
    }
}

/// Checks a DPoP proof (RFC 9449 §4.3): a value says what failed, or the
/// key's thumbprint and the proof's id when it holds.
public enum DPoPCheck: Equatable, Sendable {
    case valid(thumbprint: String, proofID: String)
    case invalid(String)

    public static func verify(_ proof: String?, method: String, url: String, now: Int64, maxAge: Int64,
                              accessToken: String? = nil) -> DPoPCheck {
        guard let proof else { return .invalid("no DPoP proof") }
        let decoded: DecodedJWS
        do { decoded = try DecodedJWS(proof) } catch { return .invalid("proof is not a JWS: \(error)") }
        // The same structural rules as access tokens: unique names (RFC 7515 §4,
        // RFC 7519 §4) and no critical extension, since none is understood (§4.1.11).
        if let name = decoded.header.firstRepeatedMemberName ?? decoded.payload.firstRepeatedMemberName {
            return .invalid("proof repeats the member \(JSONValue.quoted(name))")
        }
        guard decoded.header["crit"] == nil else { return .invalid("proof has a crit header this server does not understand") }
        guard decoded.header["typ"] == .string("dpop+jwt") else { return .invalid("proof typ is not dpop+jwt") }
        guard decoded.header["alg"] == .string("EdDSA") else { return .invalid("proof alg is not EdDSA") }
        guard let jwk = decoded.header["jwk"], jwk["kty"] == .string("OKP"), jwk["crv"] == .string("Ed25519"),
              let x = jwk["x"]?.stringValue, let raw = Base64URL.decode(x),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            return .invalid("proof has no usable Ed25519 jwk")
        }
        guard key.isValidSignature(decoded.signature, for: Array(decoded.signingInput.utf8)) else {
            return .invalid("proof signature does not verify")
        }
        guard decoded.payload["htm"] == .string(method), decoded.payload["htu"] == .string(url) else {
            return .invalid("proof is for another request (htm/htu)")
        }
        // In milliseconds and saturating: `iat` may be any number, even a fraction.
        guard let iat = decoded.payload["iat"]?.numericDateMilliseconds,
              case let (age, overflow) = saturatingProduct(now, 1000).subtractingReportingOverflow(iat), !overflow,
              age.magnitude <= saturatingProduct(maxAge, 1000).magnitude else {
            return .invalid("proof is stale or from the future (iat)")
        }
        if let accessToken {
            guard decoded.payload["ath"] == .string(Base64URL.encode(sha256(accessToken))) else {
                return .invalid("proof is for another access token (ath)")
            }
        }
        guard let id = decoded.payload["jti"]?.stringValue else { return .invalid("proof has no jti") }
        return .valid(thumbprint: DPoPKey.thumbprint(of: jwk), proofID: id)
    }
}
