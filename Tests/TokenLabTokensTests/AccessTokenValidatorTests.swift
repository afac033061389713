import Foundation
import Testing
import TokenLabCore
@testable import TokenLabTokens

/// What the resource server's validator accepts and refuses, and why.
@Suite struct AccessTokenValidatorTests {
    static let epoch: Int64 = 1_767_225_600
    static let key = HS256Key(kid: "k1", secret: Array("0123456789abcdef0123456789abcdef".utf8))
    static let header = JSONValue.object(["alg": .string("HS256"), "typ": .string("at+jwt"), "kid": .string("k1")])

    static func claims(exp: Int64 = epoch + 300, aud: JSONValue = .string("https://api"), iss: String = "https://auth") -> JSONValue {
        .object(["iss": .string(iss), "sub": .string("alice"), "aud": aud, "exp": .int(exp), "iat": .int(epoch),
                 "jti": .string("j1"), "client_id": .string("app"), "role": .string("user"), "scope": .string("orders:read")])
    }

    func validator(_ configure: (inout ValidationRules) -> Void = { _ in }) -> AccessTokenValidator {
        var rules = ValidationRules(issuer: "https://auth", audience: "https://api", keys: [Self.key])
        configure(&rules)
        return AccessTokenValidator(rules: rules)
    }

    func verdict(_ token: String, at ms: Int64 = 0, _ configure: (inout ValidationRules) -> Void = { _ in }) -> ValidationVerdict {
        validator(configure).validate(token, now: VirtualTime(milliseconds: ms), epoch: Self.epoch)
    }

    @Test func aGenuineTokenIsValidWithItsClaims() {
        let token = JWS.sign(header: Self.header, payload: Self.claims(), key: Self.key)
        guard case .valid(let claims) = verdict(token) else { Issue.record("\(verdict(token))"); return }
        #expect(claims.subject == "alice" && claims.tokenID == "j1" && claims.hasScope("orders:read") && !claims.hasScope("admin"))
    }

    @Test func expiryIsExactAndLeewayExtendsIt() {
        let token = JWS.sign(header: Self.header, payload: Self.claims(exp: Self.epoch + 300), key: Self.key)
        #expect(verdict(token, at: 299_999).isValid)
        #expect(verdict(token, at: 300_000) == .rejected(.expired(ago: .zero)))
        #expect(verdict(token, at: 300_020) == .rejected(.expired(ago: .milliseconds(20))))
        #expect(verdict(token, at: 300_020) { $0.leeway = .seconds(30) }.isValid)
    }

    @Test func aTamperedPayloadKeepsTheOldSignatureAndFails() throws {
        let token = JWS.sign(header: Self.header, payload: Self.claims(), key: Self.key)
        let parts = token.split(separator: ".")
        let forgedPayload = Base64URL.encode(Array(Self.claims().text.replacingOccurrences(of: "\"user\"", with: "\"admin\"").utf8))
        #expect(verdict(parts[0] + "." + forgedPayload + "." + parts[2]) == .rejected(.badSignature))
    }

    @Test func algNoneIsRefusedUnlessTheAllowListHasIt() {
        for alg in ["none", "None", "NONE"] {
            let header = JSONValue.object(["alg": .string(alg), "typ": .string("at+jwt")])
            let token = JWS.assemble(headerBytes: Array(header.text.utf8), payloadBytes: Array(Self.claims().text.utf8), signature: [])
            #expect(verdict(token) == .rejected(.algorithmNotAllowed(alg)))
            #expect(verdict(token) { $0.allowedAlgorithms = ["HS256", "none"] }.isValid, "the insecure setting accepts \(alg)")
        }
    }

    @Test func audienceIssuerAndTypeAreChecked() {
        let wrongAud = JWS.sign(header: Self.header, payload: Self.claims(aud: .string("https://other")), key: Self.key)
        #expect(verdict(wrongAud) == .rejected(.wrongAudience))
        #expect(verdict(wrongAud) { $0.checksAudience = false }.isValid)
        let audArray = JWS.sign(header: Self.header, payload: Self.claims(aud: .array([.string("x"), .string("https://api")])), key: Self.key)
        #expect(verdict(audArray).isValid, "an audience array containing this API is accepted (slow path)")
        let wrongIss = JWS.sign(header: Self.header, payload: Self.claims(iss: "https://evil"), key: Self.key)
        #expect(verdict(wrongIss) == .rejected(.wrongIssuer))
        let idToken = JWS.sign(header: .object(["alg": .string("HS256"), "typ": .string("JWT"), "kid": .string("k1")]),
                               payload: Self.claims(), key: Self.key)
        #expect(verdict(idToken) == .rejected(.wrongType("JWT")))
        #expect(verdict(idToken) { $0.checksType = false }.isValid)
    }

    @Test func garbageIsMalformedNeverACrash() {
        var random = RandomStream(seed: 3, name: "garbage")
        let genuine = JWS.sign(header: Self.header, payload: Self.claims(), key: Self.key)
        for round in 0..<2000 {
            var bytes = Array(genuine.utf8)
            for _ in 0..<(1 + Int(random.next(below: 4))) {
                bytes[Int(random.next(below: UInt64(bytes.count)))] = UInt8(random.next(below: 256))
            }
            let mutated = String(decoding: bytes, as: UTF8.self)
            if case .valid = verdict(mutated) {
                // Only a mutation that leaves the signed bytes intact may pass.
                #expect(mutated == genuine || mutated.split(separator: ".").count == 3, "round \(round)")
            }
        }
        for text in ["", ".", "..", "a.b.c", "a.b.c.d", "eyJ9.eyJ9.", String(repeating: "A", count: 10_000)] {
            guard case .rejected = verdict(text) else { Issue.record("accepted \(text)"); continue }
        }
    }

    @Test func escapedOrNestedClaimsTakeTheFullParserAndAgree() {
        let payload = JSONValue.object(["iss": .string("https://auth"), "sub": .string("al\"ice"), "aud": .string("https://api"),
                                        "exp": .int(Self.epoch + 60), "iat": .int(Self.epoch), "jti": .string("j1"),
                                        "client_id": .string("app"), "extra": .object(["a": .array([.int(1)])])])
        let token = JWS.sign(header: Self.header, payload: payload, key: Self.key)
        guard case .valid(let claims) = verdict(token) else { Issue.record("\(verdict(token))"); return }
        #expect(claims.subject == "al\"ice")
    }
}

extension ValidationVerdict {
    var isValid: Bool { if case .valid = self { true } else { false } }
}
