import Testing
import TokenLabCore
import TokenLabTokens
@testable import TokenLabWorld

/// `decode`, `introspect` and the API judge a pasted token through the one
/// validator: a claim value far outside everyday numbers is a verdict, not
/// a crash, and they agree on it.
@Suite struct TokenVerdictTests {
    /// alice's access token with its `exp` text replaced, re-signed with the auth server's key.
    static func aliceToken(exp: String, in s: Interpreter) throws -> String {
        s.run("login alice")
        let genuine = try DecodedJWS(try #require(s.world.ledger.entry(id: "at1")).value)
        let payload = genuine.payload.text.replacingOccurrences(of: #""exp":\#(World.epoch + 900)"#, with: #""exp":\#(exp)"#)
        #expect(payload.contains(#""exp":\#(exp)"#))
        return JWS.sign(headerBytes: Array(genuine.header.text.utf8), payloadBytes: Array(payload.utf8), key: s.world.auth.keys[0])
    }

    @Test func aFarFutureExpIsDecodedAndIntrospectedAsActiveWithoutACrash() throws {
        let s = session()
        let token = try Self.aliceToken(exp: "999999999999999999", in: s)
        let decoded = s.execute("decode \(token)")
        #expect(decoded.error == nil)
        #expect(decoded.output.contains { $0.hasPrefix("  exp = 999999999999999999 (") })
        #expect(decoded.output.last == "the API would accept it now")
        let introspected = s.outcomes(of: "introspect \(token)")
        #expect(introspected.count == 1 && introspected[0].contains("active: true"), "\(introspected)")
        s.run("advance 30d")
        #expect(s.execute("decode \(token)").output.last == "the API would accept it now", "still far from expiring")
    }

    @Test func aLeadingZeroExpIsRefusedByDecodeAndByIntrospection() throws {
        let s = session()
        let token = try Self.aliceToken(exp: "0\(World.epoch + 900)", in: s)
        let decoded = s.execute("decode \(token)")
        let message = try #require(decoded.error?.message)
        #expect(message.contains("is not a JWS") && message.contains("leading zero") && message.contains("the API would refuse it now"))
        let introspected = s.outcomes(of: "introspect \(token)")
        #expect(introspected.count == 1 && introspected[0].contains("active: false") && introspected[0].contains("leading zero"),
                "\(introspected)")
    }

    @Test func aFarPastExpIsExpiredEverywhereWithoutACrash() throws {
        let s = session()
        let token = try Self.aliceToken(exp: "-999999999999999999", in: s)
        #expect(s.execute("decode \(token)").output.last?.hasPrefix("the API would refuse it now: 401 invalid_token: expired") == true)
        #expect(s.outcomes(of: "introspect \(token)").first?.contains("active: false (expired") == true)
    }

    @Test func decodeTokensAndTheAPIGiveOneVerdictUnderIntrospection() {
        let s = session(preset: "introspection")
        s.run("login alice", "logout alice")
        // Logout revoked the family: the introspecting API refuses at1 though it has not expired.
        #expect(s.execute("decode at1").output.last?.hasPrefix("the API would refuse it now: 401 invalid_token: inactive") == true)
        #expect(s.run("tokens").contains { $0.hasPrefix("at1 ") && $0.contains(" inactive ") })
    }

    @Test func decodeOfAKeyConfusionTokenNamesTheConfusionAndAgreesWithTheAPI() {
        let s = session(preset: "insecure")
        s.run("login alice", "forge confusion from alice")
        let lenient = s.execute("decode ft1").output
        #expect(lenient.contains { $0.hasPrefix("signature: HS256 keyed with rsa1's public key: it verifies") })
        #expect(lenient.last == "the API would accept it now")
        #expect(s.outcomes(of: "as mallory call GET /admin").last?.hasSuffix("200 admin console") == true)
        s.run("set keys.per_alg on")
        #expect(s.execute("decode ft1").output.last?.hasPrefix("the API would refuse it now") == true)
        #expect(s.outcomes(of: "as mallory call GET /admin").last?.contains("401") == true)
    }

    @Test(arguments: ["9000000000000000000", "9223372036854775807", "-9223372036854775808", "1e300", "-1e300", "0.5"])
    func extremeSignedExpiriesAreVerdictsNotCrashes(exp: String) throws {
        let s = session()
        let token = try Self.aliceToken(exp: exp, in: s)
        for line in ["decode \(token)", "introspect \(token)", "tokens", "report", "timeline"] {
            #expect(s.execute(line).error == nil, "\(line)")
        }
    }
}
