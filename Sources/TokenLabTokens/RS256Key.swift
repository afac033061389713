import Crypto
import Foundation
import CryptoExtras

/// An RS256 key (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 §3.3).
///
/// THE PRIVATE KEY BELOW IS A PUBLISHED LAB KEY. It exists so that RS256
/// tokens (and the RS256→HS256 key-confusion forgery) are the same on every
/// machine. Anyone can read it; never use it for anything real.
public struct RS256Key: Sendable {
    public let kid: String
    private let privateKey: _RSA.Signing.PrivateKey
    public let publicKey: _RSA.Signing.PublicKey
    /// The public key as PEM text: what a confused verifier uses as an HMAC secret.
    public let publicPEM: String
    public let jwk: JSONValue

    public static let labPrivateKeyPEM = """
-----BEGIN RSA PRIVATE KEY-----
MIIEpAIBAAKCAQEA2MU+CIB3Iu/iq+uek4fkxQc95SuZXtrhLXkew3acE2dx3CcG
rROunuvXPikYSMzaF0HZr2Lg0zhzkd9srHER4YGYMOb5Cnf4Zr4F1JB7k+ubtOtd
ozRxU5SR40+H870E8OZP160lwKv0mIm3JJlhGxcvl4SFgm5+A9A4MLeSqRGJklBk
X6OlBbAmR2rwH2OKMsHzuYQOLaJG9xZXPnLruvJPOZ///G1jssmORFvT5p/T5hKi
KuwvCJ0G2L/QG65EIqGVgPVHw1AmXvrCyf3+Vlq5tK4IPUe+Mb/M9ISucjtkN2gJ
qQsSawLiFqP2bB7OLfeQpF+INJuC6qPQoLqcjQIDAQABAoIBAB2zFIyPUVi2O5Jo
2L6yNpavfHxQIhYmxgWixnjAYPegS4TUIgGHpKaofcKfWHDtBDp92V3tcwvtfEQc
Xk7YD7ubs7w2K8vn47RBTRoyZi6+RVn0iiKeFk19xGk7pc8FcvkF4ng/Lwt8Dn9H
Fb0heKEAvGgK46HwZ+U3hjitMMkSBKpRLHJrLC3euomG2wxKjXJeulrWoLXdqX3f
dAFx3Kx6ld171zGjJqI5/e+iPhY/KDZeQEZwQwTME79gAkWpo4AOIySZKaibTbDo
QkBDaQ+s2kaExVPeuiJ9nLU6lyZX5kElb+Jxf/WmFWQVgac4NBOU8cnSTSjUemzs
kfxblF8CgYEA7Plbd8+lC3g+2OmJnbGrCDpiYdsA7oGVasagSM3M/slk8bjO+Dd1
4bi+C9rtfaPdUIiBbngJ0P3iZcrFhrET71EeJQFJjsGmzIIWsveEICyyXVcuUDt5
NLru9KNl3pakDVlB/XkIPW8CA7ylblkZz1IRSiDEUdUUUc1W1DNb4HcCgYEA6iyh
k2XwL1wCE3ztJGYoaL2c8kVGGbkbXdIOHsxmBVHc0tORJJRv3cdzGPPwa0ctPj73
j1I38olvqhWSulicTavH2934SO8LmCIWTpPo9/A/5SvnVvBydl2Ma0Tba+W2Ak8r
BZTO6s9E76Sh/UiloRIMvCejeLG3C0nkJDcxkBsCgYBLLJddnJto1g5p1Tv4sIHn
LE5FaKoU/zqdEsGKFu8u7Eh/ffb6Ou3EW0y+igbI0pDEmWkl2CKVD9UgIYEjx0zh
oEQFzTC+fqQhQCtfPrHFWyiB/8QLY7KBjcN8C9GnGPaV3XjXpet9QZfMA64fIVjU
sd4WO+rLYuL9SDyBOIGu5QKBgQCdMbKQuHgfwnqeTFj/+xebH9VwCDKDZ+/H7g6O
fBTr80TxvRWMYZwqWw2XLYEw8kmbpDcYXU+zHrD3kp25O2xI80wo+nsFsnms+QzS
WJWlgf/SPcOAZ83eSPPOuh0087FXIX+2smqn0tTqrTAUTyTn1672ywEALwO5rzNX
YDmECwKBgQDooh2ARSSWkA1n70AT+v6bz9OA5/Abq516RrNGtzSFc4uad+QZvmPU
15EAh90qx4h++jWvSry+p5kwK7N0ezl2jthh8Ft7Ox5B0z0QcnDNbDIa0JAfU1U3
W/A6o9iLjPqSk1ykv1hYQk2Y7AWG06saDYxvIY5JWZ9zVRJCh3JdqQ==
-----END RSA PRIVATE KEY-----
"""

    /// The lab key. A fixed PEM always parses; a failure here is a broken build.
    public static let lab: RS256Key = {
        guard let key = try? _RSA.Signing.PrivateKey(unsafePEMRepresentation: labPrivateKeyPEM) else {
            preconditionFailure("the lab RSA key in RS256Key.swift does not parse")
        }
        return RS256Key(kid: "rsa1", privateKey: key)
    }()

    init(kid: String, privateKey: _RSA.Signing.PrivateKey) {
        self.kid = kid
        self.privateKey = privateKey
        publicKey = privateKey.publicKey
        publicPEM = publicKey.pemRepresentation
        let primitives = try? publicKey.getKeyPrimitives()
        jwk = .object([
            "kty": .string("RSA"), "kid": .string(kid), "alg": .string("RS256"), "use": .string("sig"),
            "n": .string(Base64URL.encode(Array(primitives?.modulus ?? Data()))),
            "e": .string(Base64URL.encode(Array(primitives?.publicExponent ?? Data()))),
        ])
    }

    public func signature(for input: [UInt8]) -> [UInt8] {
        guard let signature = try? privateKey.signature(for: input, padding: .insecurePKCS1v1_5) else {
            preconditionFailure("RSA signing with the lab key does not fail")
        }
        return Array(signature.rawRepresentation)
    }

    public func isValidSignature(_ signature: UnsafeRawBufferPointer, for input: UnsafeRawBufferPointer) -> Bool {
        publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: Array(signature)), for: Array(input),
                                   padding: .insecurePKCS1v1_5)
    }

    /// The public PEM's bytes as an HS256 key: how a verifier that lets the
    /// token's `alg` choose the algorithm ends up checking a forged HMAC
    /// (RFC 8725 §2.1, §3.1).
    public var confusedHMACKey: HS256Key { HS256Key(kid: kid, secret: Array(publicPEM.utf8)) }
}
