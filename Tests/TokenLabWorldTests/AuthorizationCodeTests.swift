import Testing
import TokenLabCore
import TokenLabTokens
@testable import TokenLabWorld

/// The login as the authorization code flow with PKCE, and what a stolen code can and cannot do.
@Suite struct AuthorizationCodeTests {
    @Test func aLoginIsAuthorizeThenACodeThenATokenRequestWithTheVerifier() {
        let s = session()
        #expect(s.outcomes(of: "login alice") == [
            "GET /authorize (alice) S256 challenge  302 to /callback?code=c1",
            "POST /token authorization_code c1 + verifier  200 at1 rt1 fam1",
        ])
        #expect(s.world.clients[0].access != nil, "alice's browser holds her tokens")
        #expect(s.run("tokens").contains { $0.hasPrefix("c1 ") && $0.contains("used (fam1)") })
    }

    @Test func theChallengeIsBase64URLOfSHA256OfTheVerifier() {
        // RFC 7636 Appendix B.
        #expect(AuthServer.challenge(for: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }

    @Test func aRedirectURIThatIsNotTheRegisteredStringIsRefused() {
        let world = World(seed: 1)
        let unregistered = AuthorizationRequest(clientID: "browser-app", redirectURI: World.redirectURI + "/", state: "s", codeChallenge: nil)
        guard case .refused(let error) = world.auth.authorize(unregistered, user: "alice", now: .zero, policy: world.policy) else {
            Issue.record("a redirect URI differing by one character must be refused")
            return
        }
        #expect(error.code == "invalid_request" && error.rule.contains("RFC 9700 §2.1"))
        // At the token endpoint the redirect URI must be the one the code was issued for.
        let s = session()
        s.run("set login.pkce off", "login alice", "steal code from alice via intercept")
        let outcome = s.outcomes(of: "as mallory redeem c2 https://mallory.example/cb")
        #expect(outcome == ["POST /token authorization_code c2, no verifier  400 invalid_grant: redirect_uri https://mallory.example/cb is not the one the code was issued for"])
    }

    @Test func aStolenCodeWithoutTheVerifierIsRefused() {
        let s = session()
        s.run("login alice")
        #expect(s.outcomes(of: "steal code from alice via intercept").last
                == "steal code from alice via intercept  got c2: a malicious app caught the redirect; alice's login never completes")
        #expect(s.outcomes(of: "as mallory redeem") == [
            "POST /token authorization_code c2, no verifier  400 invalid_grant: no code_verifier for a code issued with a code_challenge (PKCE)",
        ])
        #expect(s.world.clients[2].access == nil, "mallory got nothing")
        #expect(s.run("report").contains { $0.contains("stopped: PKCE [RFC 7636 §4.6]") })
    }

    @Test func withoutPKCEAStolenCodeGivesMalloryTokens() {
        let s = session()
        s.run("set login.pkce off", "login alice", "steal code from alice via intercept")
        #expect(s.outcomes(of: "as mallory redeem c2") == ["POST /token authorization_code c2, no verifier  200 at2 rt2 fam2"])
        #expect(s.outcomes(of: "as mallory call GET /orders") == ["GET /orders  Bearer at2  200 3 orders"])
        let report = s.run("report")
        #expect(report.contains { $0.contains("c2 (code): 1 ok (POST /token authorization_code ×1)") && $0.contains("led to at2 rt2") }, "\(report)")
    }

    @Test func aCodeUsedTwiceIsRefusedAndItsFamilyRevoked() {
        let s = session()
        s.run("login alice", "steal code from alice via logs")
        #expect(s.outcomes(of: "as mallory redeem c1") == [
            "POST /token authorization_code c1, no verifier  400 invalid_grant: code already used at 00:00:00.060; the grant issued from it (fam1) is revoked",
            "c1 presented twice  family fam1 issued from it revoked; at1 stays valid until it expires (local validation, no denylist)",
        ])
        #expect(s.world.auth.familyIsRevoked(0))
        // Revoking the grant cannot reach a token the API checks on its own.
        #expect(s.outcomes(of: "call alice GET /orders").first?.contains("200") == true)
        #expect(s.outcomes(of: "refresh alice").first?.hasSuffix("family fam1 was revoked at 00:00:00.100 (code reuse)") == true)
    }

    /// RFC 6749 §4.1.2: "SHOULD revoke (when possible) all tokens previously
    /// issued based on that authorization code". With a denylist it is possible.
    @Test func withADenylistACodeUsedTwiceAlsoEndsTheAccessTokenIssuedFromIt() {
        let s = session()
        s.run("set denylist on", "login alice", "steal code from alice via logs")
        #expect(s.outcomes(of: "as mallory redeem c1").last == "c1 presented twice  family fam1 issued from it revoked; at1 denylisted")
        let call = s.outcomes(of: "call alice GET /orders").first ?? ""
        #expect(call.contains("401") && call.contains("denylisted"), "\(call)")
    }

    @Test func thePasswordGrantStillWorksAndPolicyFlagsItDeprecated() {
        let s = session()
        s.run("set login.flow password")
        #expect(s.outcomes(of: "login alice") == ["POST /token password grant (alice)  200 at1 rt1 fam1"])
        #expect(s.run("policy").contains { $0.hasPrefix("login.flow") && $0.contains("! deprecated") && $0.contains("RFC 9700 §2.4") })
        #expect(s.outcomes(of: "steal code from alice via logs")
                == ["steal code from alice via logs  nothing: no code (password grant): alice's logins send no authorization code"])
        #expect(Policy.insecure.loginFlow == .password && Policy.bcp.loginFlow == .code && Policy.bcp.pkce == .S256)
    }

    @Test func malloryPresentsOnlyCodesSheStole() {
        let s = session()
        s.run("login alice")
        #expect(s.execute("as mallory redeem c1").error?.message.hasPrefix("mallory holds no code 'c1'") == true)
        #expect(s.execute("redeem alice c1").error != nil, "a browser redeems its own code when it logs in")
    }
}

@Suite struct AuthorizationCodeMatrixTests {
    @Test func codeTheftIsStoppedByPKCEAndHasNoCodeUnderThePasswordGrant() {
        #expect(Matrix.run(attack: "code-theft", preset: "baseline").stoppedBy == "PKCE")
        #expect(Matrix.run(attack: "code-theft", preset: "baseline").apiRequests == 0)
        #expect(Matrix.run(attack: "code-theft", preset: "insecure").stoppedBy == "no code (password grant)")
    }

    @Test func codeReplayIsRefusedAndCostsTheVictimHerSession() {
        let cell = Matrix.run(attack: "code-replay", preset: "rotation")
        #expect(cell.stoppedBy == "single-use code")
        #expect(cell.victimCost?.contains("code reuse") == true, "\(String(describing: cell.victimCost))")
        #expect(Matrix.run(attack: "code-replay", preset: "insecure").stoppedBy == "no code (password grant)")
    }
}
