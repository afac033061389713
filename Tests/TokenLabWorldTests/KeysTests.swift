import Crypto
import Foundation
import Testing
import TokenLabTokens
@testable import TokenLabWorld

/// A token copied out of tokenlab verifies with the key `keys` prints,
/// checked here with swift-crypto directly, not with tokenlab's verifier.
@Suite struct KeysTests {
    @Test func aMintedTokenVerifiesWithTheJWKThatKeysPrints() throws {
        let s = session()
        s.run("login alice")
        let jwks = try JSONValue.parse(s.run("keys").dropLast().joined(separator: "\n"))
        guard case .array(let keys)? = jwks["keys"], let jwk = keys.first else {
            Issue.record("keys printed no JWK Set: \(jwks.text)")
            return
        }
        #expect(jwk["kty"] == .string("oct") && jwk["alg"] == .string("HS256") && jwk["kid"] == .string("k1"))
        let k = try #require(jwk["k"]?.stringValue)
        let secret = try #require(Base64URL.decode(k))
        let token = s.world.ledger.entry(id: "at1")!.value
        let parts = token.split(separator: ".")
        let signingInput = Data((parts[0] + "." + parts[1]).utf8)
        let expected = try #require(Base64URL.decode(String(parts[2])))
        #expect(HMAC<SHA256>.isValidAuthenticationCode(expected, authenticating: signingInput, using: SymmetricKey(data: secret)))
        #expect(!HMAC<SHA256>.isValidAuthenticationCode(expected, authenticating: Data("x".utf8) + signingInput, using: SymmetricKey(data: secret)))
    }

    @Test func theAccessTokenCarriesTheRFC9068HeaderAndClaims() throws {
        let s = session()
        s.run("login alice")
        let decoded = try DecodedJWS(s.world.ledger.entry(id: "at1")!.value)
        #expect(decoded.header.text == #"{"alg":"HS256","typ":"at+jwt","kid":"k1"}"#)
        guard case .object(let members) = decoded.payload else { Issue.record("payload"); return }
        #expect(members.map(\.key) == ["iss", "sub", "aud", "exp", "iat", "jti", "client_id", "role", "scope", "sid"])
        #expect(decoded.payload["iat"]?.intValue == World.epoch)
        #expect(decoded.payload["exp"]?.intValue == World.epoch + 900)
        #expect(decoded.payload["sub"] == .string("alice") && decoded.payload["role"] == .string("user"))
    }

    @Test func refreshTokensAreOpaqueAndStoredOnlyAsHashes() {
        let s = session()
        s.run("login alice")
        let refresh = s.world.ledger.entry(id: "rt1")!.value
        #expect(Base64URL.decode(refresh)?.count == 32, "128 random bits, a 4-byte family number, a 4-byte generation, an 8-byte MAC")
        #expect(s.world.auth.sealedFamily(of: refresh) == 0, "the server reads its family back")
        var forged = Base64URL.decode(refresh)!
        forged[19] ^= 1  // another family number under the same MAC
        #expect(s.world.auth.sealedFamily(of: Base64URL.encode(forged)) == nil, "the MAC covers the family number")
        #expect(!refresh.contains("."))
        let lines = s.run("decode rt1")
        #expect(lines[1] == "the auth server stores only its SHA-256: \(TokenHash(of: refresh))")
    }
}
