import Testing
@testable import TokenLabWorld

/// Issue 13: the access token in memory, the refresh token in an HttpOnly
/// cookie at the token endpoint (the `spa` preset), and what XSS, CSRF,
/// logout and a sniffer still do to it.
@Suite struct SplitStorageTests {
    @Test func storageIsSetPerTokenAndStorageIsAShorthandForBoth() {
        let s = session(preset: "baseline")
        s.run("set storage.access memory", "set storage.refresh cookie")
        #expect(s.world.policy.accessStorage == .memory && s.world.policy.refreshStorage == .cookie)
        #expect(PolicyKey.named("storage")?.value(in: s.world.policy) == "split")
        s.run("set storage localStorage")
        #expect(s.world.policy.accessStorage == .localStorage && s.world.policy.refreshStorage == .localStorage)
        #expect(Policy.spa.differences(from: .rotation).map(\.key.name) == ["storage", "storage.access", "storage.refresh"])
        #expect(s.run("policy diff spa").joined(separator: "\n").contains("storage.refresh"))
    }

    @Test func theRefreshCookieRidesToTheTokenEndpointAndTheAccessTokenComesBackInTheBody() {
        let s = session(preset: "spa")
        let login = s.run("login alice").joined(separator: "\n")
        #expect(login.contains("Set-Cookie rt1 (HttpOnly Secure SameSite=Strict Path=/token), at1 in the JSON body"))
        let refresh = s.run("refresh alice")
        #expect(refresh.contains { $0.contains("POST /token refresh (Cookie rt1)") && $0.contains("Set-Cookie rt2") })
        #expect(s.world.clients[0].refreshStorage == .cookie && s.world.clients[0].accessStorage == .memory)
    }

    @Test func aReloadDropsTheMemoryAndTheAppRefreshesSilentlyThroughTheCookie() {
        let s = session(preset: "spa")
        s.run("login alice")
        let reload = s.run("reload alice")
        #expect(reload.contains { $0.contains("the page's memory is gone: at1 lost; kept: rt1 in cookie") })
        #expect(reload.contains { $0.contains("POST /token refresh (Cookie rt1)") && $0.contains("200 at2 rt2") })
        #expect(s.run("call alice GET /orders").last?.hasSuffix("200 3 orders") == true)
        // All in memory: nothing survives, the user must log in again.
        let memory = session(preset: "baseline")
        memory.run("set storage memory", "login alice")
        #expect(memory.run("reload alice").contains { $0.contains("must log in again") })
    }

    @Test func xssCannotReadTheRefreshCookieButRefreshesFromThePageAndReadsTheNewAccessToken() {
        let s = session(preset: "spa")
        s.run("login alice")
        #expect(s.outcomes(of: "steal refresh from alice via xss").first?.contains("HttpOnly cookie") == true)
        #expect(s.outcomes(of: "steal access from alice via xss").first?.contains("got at1: script reads the page's memory") == true)
        let ride = s.run("ride alice refresh")
        #expect(ride.contains { $0.contains("(sent by mallory's script)") && $0.contains("200 at2 rt2") })
        #expect(ride.contains { $0.contains("got at2 from the JSON body") && $0.contains("rt2 stayed in alice's cookie jar") })
        #expect(s.world.attackerHolds(s.world.ledger.entry(id: "at2")!.value))
        #expect(!s.world.attackerHolds(s.world.ledger.entry(id: "rt2")!.value), "the rotated cookie is the browser's, not hers")
        #expect(s.run("as mallory call GET /orders").last?.hasSuffix("200 3 orders") == true)
        // The jar holds the rotated cookie: the victim's next refresh carries it, and reuse detection sees nothing.
        let next = s.run("refresh alice")
        #expect(next.contains { $0.contains("Cookie rt2") && $0.contains("200 at3 rt3") })
        #expect(!next.contains { $0.contains("reuse") })
    }

    @Test func withTheRefreshTokenInLocalStorageTheScriptsRefreshMakesTheVictimTripReuseDetection() {
        let s = session(preset: "rotation")
        s.run("login alice", "ride alice refresh")
        #expect(s.world.attackerHolds(s.world.ledger.entry(id: "rt2")!.value))
        let next = s.run("refresh alice")
        #expect(next.contains { $0.contains("reuse of rt1 detected") })
        #expect(next.contains { $0.contains("alice must log in again") })
    }

    @Test func csrfOnTheTokenEndpointRidesOnlyAsSameSiteAllowsAndCorsHidesTheResponse() {
        let strict = session(preset: "spa")
        strict.run("login alice")
        #expect(strict.outcomes(of: "csrf alice POST /token").first?.contains("SameSite=Strict keeps the refresh cookie off a cross-site POST") == true)
        // The cookie carries the SameSite it was set with: each case logs in under its own.
        let lax = session(preset: "spa")
        lax.run("set cookie.samesite lax", "login alice")
        #expect(lax.outcomes(of: "csrf alice POST /token").first?.contains("SameSite=Lax") == true)
        let s = session(preset: "spa")
        s.run("set cookie.samesite none", "login alice")
        let forged = s.run("csrf alice POST /token")
        #expect(forged.contains { $0.contains("(cross-site, from mallory's page)") && $0.contains("200 at2 rt2") })
        #expect(forged.contains { $0.contains("CORS") && $0.contains("at2 in its body reaches no one") && $0.contains("rt2 lands in alice's jar") })
        #expect(s.world.clients[s.world.attackerIndex!].loot.isEmpty, "her page read nothing")
        #expect(s.run("refresh alice").contains { $0.contains("Cookie rt2") && $0.contains("200 at3") })
        // A refresh token the app sends in the body never rides.
        let body = session(preset: "rotation")
        body.run("login alice")
        #expect(body.outcomes(of: "csrf alice POST /token").first?.contains("in the request body") == true)
    }

    @Test func logoutClearsTheCookieAndRevokesTheFamilyWhileAStolenAccessTokenLivesOn() {
        let s = session(preset: "spa")
        s.run("login alice", "steal access from alice via xss")
        let logout = s.run("logout alice")
        #expect(logout.contains { $0.contains("POST /token/revoke (logout) (Cookie rt1) at1") && $0.contains("family fam1 revoked")
            && $0.contains("Set-Cookie clears the refresh cookie") })
        #expect(s.world.clients[0].refresh == nil)
        #expect(s.run("as mallory call GET /orders").last?.hasSuffix("200 3 orders") == true, "a stolen access token lives until it expires")
        #expect(s.run("refresh alice rt1").contains { $0.contains("family fam1 was revoked") })
    }

    @Test func aSnifferSeesTheCookieOnAPlainLinkWithSecureOffAndNothingOverTLS() {
        let tls = session(preset: "spa")
        tls.run("login alice", "refresh alice")
        #expect(tls.outcomes(of: "steal refresh from alice via sniff").first?.contains("the link is TLS") == true)

        let plain = session(preset: "spa")
        plain.run("set cookie.secure off", "set tls off", "login alice", "refresh alice")
        let seen = plain.outcomes(of: "steal refresh from alice via sniff").first ?? ""
        #expect(seen.contains("got rt2") && seen.contains("the Set-Cookie header of the token response"), "\(seen)")
        let crossing = plain.world.network.latest(.refresh, at: .plainLink, client: 0)
        #expect(crossing != nil)
        #expect(plain.world.network.crossings.contains { $0.carriedIn == "the Cookie header of POST /token" })

        // Secure on over a plain link: the browser never stores the cookie, visibly.
        let secure = session(preset: "spa")
        let lines = secure.run("set tls off", "login alice")
        #expect(lines.contains { $0.contains("ignores the Set-Cookie of rt1: a Secure cookie over a plain link is not stored") })
        #expect(secure.world.clients[0].refresh == nil)
    }

    @Test func aCookiePathThatExcludesTheTokenEndpointIsRefusedWithOneLine() {
        let s = session(preset: "spa")
        let result = s.execute("set cookie.path /api")
        #expect(result.error?.message.hasPrefix("cookie.path /api excludes the token endpoint /token") == true)
        #expect(s.execute("set cookie.path /").error == nil)
        #expect(s.execute("set cookie.path /tokens").error != nil, "/tokens does not path-match /token")
        #expect(s.execute("set cookie.path nope").error?.message.hasPrefix("cookie.path takes") == true)
        #expect(Policy.pathMatches(requestPath: "/token", cookiePath: "/token"))
        #expect(!Policy.pathMatches(requestPath: "/token", cookiePath: "/tok"))
    }

    @Test func theMatrixPinsTheSplitStorageLessons() {
        let spa = Matrix.run(attack: "xss-refresh-via-cookie", preset: "spa")
        #expect(spa.apiRequests > 0 && spa.window != nil && spa.stoppedBy.hasPrefix("nothing"),
                "under spa XSS still obtains access tokens while the page is open: \(spa)")
        let spaTheft = Matrix.run(attack: "xss-once", preset: "spa")
        #expect(spaTheft.stoppedByWithRules.contains("HttpOnly"), "the refresh cookie is out of script's reach: \(spaTheft)")
        let bcp = Matrix.run(attack: "xss-refresh-via-cookie", preset: "bcp")
        #expect(bcp.apiRequests == 0 && bcp.stoppedBy == "HttpOnly cookie", "under bcp the script reads nothing: \(bcp)")
        #expect(Matrix.run(attack: "xss-proxy", preset: "bcp").apiRequests > 0, "but it can still ride")
        #expect(Matrix.run(attack: "csrf-token-endpoint", preset: "spa").stoppedBy == "SameSite cookie")
        #expect(Matrix.presets.contains("spa"))
    }
}
