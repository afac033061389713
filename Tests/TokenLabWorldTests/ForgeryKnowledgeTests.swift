import Testing
import TokenLabTokens
@testable import TokenLabWorld

/// Forgeries are tokens of their own, signed only with keys mallory holds;
/// she can edit any token, crack a weak secret, and have an account of her own.
@Suite struct ForgeryKnowledgeTests {
    func kid(_ s: Interpreter, _ id: String) throws -> String? {
        try DecodedJWS(try #require(s.world.ledger.entry(id: id)).value).header["kid"]?.stringValue
    }

    @Test func twoForgeriesAreTwoTokensEachFollowedOnItsOwn() throws {
        let s = session()
        s.run("login alice", "forge keyleak from alice", "as mallory call GET /admin", "forge keyleak from alice", "as mallory call GET /admin")
        let first = try #require(s.world.ledger.entry(id: "ft1")), second = try #require(s.world.ledger.entry(id: "ft2"))
        #expect(first.value != second.value, "seed 1: each forgery draws its own jti")
        let report = s.run("report")
        #expect(report.contains("1. ft1 forged (keyleak) from at1 at 00:00:00.080"), "\(report)")
        #expect(report.contains("2. ft2 forged (keyleak) from at1 at 00:00:00.120"), "\(report)")
        #expect(report.contains { $0.hasPrefix("   ft1 (forged access): 1 ok (GET /admin ×1)") }, "\(report)")
        #expect(report.contains { $0.hasPrefix("   ft2 (forged access): 1 ok (GET /admin ×1)") }, "\(report)")
    }

    /// A BFF keeps tokens out of the page, but a leaked signing key signs
    /// tokens from scratch: the architecture is no defence against it. A
    /// forgery that keeps a genuine signature has nothing to start from.
    @Test func underABFFAKeyleakWritesItsClaimsFromScratchAndStillGetsIn() throws {
        let s = session(preset: "bff")
        s.run("login alice")
        let made = s.outcomes(of: "forge keyleak from alice")
        #expect(made.first?.hasPrefix("forge keyleak from scratch  made ft1:") == true
                && made.first?.contains("claims written from scratch") == true, "\(made)")
        let claims = try DecodedJWS(try #require(s.world.ledger.entry(id: "ft1")).value).payload
        #expect(claims["sub"] == .string("alice") && claims["aud"] == .string("https://api.tokenlab.test"), "\(claims)")
        #expect(s.outcomes(of: "as mallory call GET /admin").first?.hasSuffix("200 admin console") == true)
        let tamper = s.outcomes(of: "forge tamper from alice").first ?? ""
        #expect(tamper.contains("nothing: nothing to copy") && tamper.contains("a tamper forgery starts from a genuine token"), "\(tamper)")
    }

    @Test func aKeyleakAfterRotateAndRetireSignsWithTheLeakedKeyAndIsRefused() throws {
        let s = session()
        s.run("login alice", "forge keyleak from alice", "keys rotate", "keys retire k1", "refresh alice")
        #expect(try kid(s, "at2") == "k2", "alice's new token is signed with k2")
        let made = s.outcomes(of: "forge keyleak from at2")
        #expect(made.first?.contains("made ft2") == true && made.first?.contains("(k1, leaked from the auth server at 00:00:00.080)") == true, "\(made)")
        #expect(try kid(s, "ft2") == "k1", "she never got k2, so she cannot sign with it")
        #expect(s.outcomes(of: "as mallory call GET /admin") == ["GET /admin  Bearer ft2  401 invalid_token: unknown kid \"k1\""])
        let report = s.run("report")
        #expect(report.contains { $0.contains("never usable: signed with k1, a key retired at 00:00:00.080, before it was made [RFC 7517 §4.5]") }, "\(report)")
        #expect(report.contains("signing keys mallory holds:"))
        #expect(report.contains { $0.hasPrefix("   k1: leaked from the auth server at 00:00:00.080; retired at 00:00:00.080") }, "\(report)")
    }

    @Test func theLabRSAKeyCannotBeRetiredAndTheCatalogSaysWhy() {
        let s = session()
        s.run("set signing RS256", "set algs HS256,RS256", "login alice", "forge keyleak from alice")
        #expect(s.outcomes(of: "as mallory call GET /admin") == ["GET /admin  Bearer ft1  200 admin console"])
        let refusal = s.execute("keys retire rsa1").error?.message ?? ""
        #expect(refusal.hasPrefix("rsa1 cannot be retired: it is the lab RSA key, published in RS256Key.swift"), "\(refusal)")
        #expect(refusal.hasSuffix("set signing HS256 and the API stops accepting RS256 tokens"))
        s.run("set signing HS256")
        #expect(s.outcomes(of: "as mallory call GET /admin").first?.contains("401") == true, "leaving RS256 is what stops it")
        #expect(AttackScenario.named("key-leak")?.explanation.contains("keys retire rsa1 is refused") == true)
    }

    @Test func forgeEditSignsEachWayAndTheAPIJudgesEach() throws {
        let s = session()
        s.run("set algs HS256,none", "login alice")
        // keep: the old signature over new claims.
        s.run("forge edit at1 role=admin scope+=admin")
        #expect(s.outcomes(of: "as mallory call GET /admin").first?.contains("401 invalid_token") == true)
        // none: accepted only because algs lets none in.
        s.run("forge edit alice role=admin scope+=admin sign none")
        #expect(s.outcomes(of: "as mallory call GET /admin") == ["GET /admin  Bearer ft2  200 admin console"])
        // A key she does not hold is refused before anything changes.
        #expect(s.execute("forge edit at1 role=admin sign k1").error?.message
                == "forge edit: mallory holds no key 'k1'; she holds: rsa1 (published in RS256Key.swift)")
        #expect(s.execute("forge edit at1 role=admin sign cracked").error?.message == "forge edit: mallory has cracked no key yet; crack TOKEN first")
        // A key she holds: after a leak, any claims she likes.
        s.run("forge keyleak from alice", "forge edit at1 sub=bob role=admin scope+=admin exp=+1d sign k1")
        #expect(s.outcomes(of: "as mallory call GET /admin") == ["GET /admin  Bearer ft4  200 admin console"])
        let claims = try DecodedJWS(try #require(s.world.ledger.entry(id: "ft4")).value).payload
        #expect(claims["sub"] == .string("bob") && claims["scope"] == .string("orders:read admin") && claims["exp"]?.intValue == World.epoch + 86_400)
        // A guessed secret: wrong here, since k1 is 32 random bytes.
        s.run("forge edit at1 role=admin scope+=admin sign guess secret")
        #expect(s.outcomes(of: "as mallory call GET /admin").first?.contains("401 invalid_token") == true)
        #expect(s.execute("forge edit at1 role").error?.message.hasPrefix("usage: forge tamper|none") == true)
        #expect(s.execute("forge edit at1 role=admin sign").error?.message.hasPrefix("usage: forge") == true)
        let report = s.run("report")
        #expect(report.contains { $0.hasPrefix("4. ft4 forged (edit sub=bob role=admin scope+=admin exp=+1d; signed with k1 (leaked from the auth server)) from at1") }, "\(report)")
    }

    @Test func aWeakSecretIsCrackedAndItsAdminForgeryIsAccepted() throws {
        let s = session()
        let set = s.run("set keys.secret weak")
        #expect(set.first?.contains("keys.secret weak  new tokens are signed with k2 (its secret is a common word)") == true, "\(set)")
        s.run("login alice")
        let secret = String(decoding: try #require(s.world.auth.keys.last).secret, as: UTF8.self)
        #expect(World.wordList.contains(secret), "seed 1: the weak secret comes from the list")
        let crack = s.outcomes(of: "crack at1")
        #expect(crack.first?.hasPrefix("crack at1  found the secret of k2 offline: \"\(secret)\"") == true, "\(crack)")
        s.run("forge edit at1 role=admin scope+=admin sign cracked")
        #expect(s.outcomes(of: "as mallory call GET /admin") == ["GET /admin  Bearer ft1  200 admin console"])
        // A guess of the same word works as well: cracking only finds it faster.
        s.run("forge edit at1 role=admin scope+=admin sign guess \(secret)")
        #expect(s.outcomes(of: "as mallory call GET /admin") == ["GET /admin  Bearer ft2  200 admin console"])
        let report = s.run("report")
        #expect(report.contains { $0.hasPrefix("   k2: cracked from at1 (word list) at 00:00:00.080; still verifies") }, "\(report)")
        #expect(report.contains { $0.hasPrefix("   ft1 (forged access): 1 ok (GET /admin ×1)") && $0.contains("role admin") }, "\(report)")
    }

    @Test func aStrongSecretIsNotCracked() {
        let s = session()
        s.run("login alice")
        #expect(s.outcomes(of: "crack at1")
                == ["crack at1  nothing: no word of 20 matches: the secret of k1 is 32 random bytes, and no word list reaches it"])
        let report = s.run("report")
        #expect(report.contains("1. crack at1 at 00:00:00.080: got nothing"), "\(report)")
        #expect(report.contains("   → stopped: no word of 20 matches: the secret of k1 is 32 random bytes, and no word list reaches it [RFC 7518 §3.2, RFC 8725 §3.5]"))
        #expect(World.stopLabel("no word of 20 matches") == "strong secret")
        s.run("set signing RS256", "refresh alice")
        #expect(s.outcomes(of: "crack at2") == ["crack at2  nothing: RS256 has no shared secret to guess: the signature is checked with a public key"])
        #expect(s.execute("crack rt1").error?.message.hasPrefix("rt1 is an opaque refresh token") == true)
    }

    @Test func malloryCanSignUpAndHerOwnTokensAreHersNotStolen() throws {
        let s = session()
        #expect(s.outcomes(of: "login mallory").first?.contains("400 access_denied: no such user") == true)
        #expect(s.run("signup mallory") == [
            "00:00:00.040  mallory  signup mallory  an ordinary account: role user, scope orders:read; login mallory mints tokens for her  [RFC 6749 §4.1]",
        ])
        #expect(s.execute("signup mallory").error?.message == "mallory already has an account; login mallory")
        #expect(s.execute("signup carol").error?.message == "signup: only mallory has no account here (valid: mallory)")
        s.run("login mallory")
        let at1 = try #require(s.world.ledger.entry(id: "at1"))
        let sub = try DecodedJWS(at1.value).payload["sub"]
        #expect(at1.owner == "mallory" && sub == .string("mallory"))
        let wallet = s.run("wallet mallory")
        #expect(wallet.contains { $0.contains("at1") && $0.contains("minted for her at 00:00:00.") }, "\(wallet)")
        #expect(s.run("report") == ["no attacks yet (steal, forge, ride or attack NAME start one)"], "her own tokens are no attack")
        #expect(s.outcomes(of: "as mallory call GET /orders") == ["GET /orders  Bearer at1  200 3 orders"])
        // Her refresh token is bound to her: with a victim's access token in
        // hand, refreshing still mints only her own tokens (RFC 6749 §6).
        s.run("login alice", "steal access from alice via xss", "as mallory refresh")
        let refreshed = try #require(s.world.ledger.entries.last(where: { $0.kind == .access }))
        let refreshedSub = try DecodedJWS(refreshed.value).payload["sub"]
        #expect(refreshedSub == .string("mallory"))
        #expect(s.outcomes(of: "as mallory call GET /admin").first?.contains("403 insufficient_scope") == true)
    }

    @Test func newCommandsParseOnlyOneWay() throws {
        #expect(try CommandParser.parse("forge edit at1 sub=bob role=admin scope+=admin sign k2")
                == .forgeEdit(token: "at1", edits: [ClaimEdit(name: "sub", value: "bob"), ClaimEdit(name: "role", value: "admin"),
                                                    ClaimEdit(name: "scope", value: "admin", appends: true)], signing: .key("k2")))
        #expect(try CommandParser.parse("forge edit at1 cnf= sign guess changeme")
                == .forgeEdit(token: "at1", edits: [ClaimEdit(name: "cnf", value: "")], signing: .guess("changeme")))
        #expect(try CommandParser.parse("crack alice") == .crack(token: "alice"))
        #expect(try CommandParser.parse("signup mallory") == .signup(party: "mallory"))
        #expect(throws: CommandError("usage: crack TOKEN|USER")) { try CommandParser.parse("crack") }
        #expect(throws: CommandError("usage: signup mallory")) { try CommandParser.parse("signup") }
    }
}
