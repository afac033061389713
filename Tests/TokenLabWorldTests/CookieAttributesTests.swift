import Testing
@testable import TokenLabWorld

/// A cookie keeps the attributes it was set with until the next Set-Cookie
/// replaces it (draft-ietf-httpbis-rfc6265bis §5.7): changing the server's
/// settings does not reach into a browser's jar.
@Suite struct CookieAttributesTests {
    @Test func tighteningSameSiteProtectsOnlyFromTheNextSetCookie() {
        let s = session(preset: "spa")
        s.run("set cookie.samesite none", "login alice")  // rt1 set with SameSite=None
        s.run("set cookie.samesite strict")
        let first = s.outcomes(of: "csrf alice POST /token")
        #expect(first.first?.contains("SameSite=None lets rt1 ride") == true, "\(first)")
        s.run("refresh alice")  // rt3 is set with SameSite=Strict
        let second = s.outcomes(of: "csrf alice POST /token").first ?? ""
        #expect(second.contains("nothing: SameSite=Strict keeps the refresh cookie off a cross-site POST") && !second.contains("was set with"), "\(second)")
    }

    @Test func looseningSameSiteAndHttpOnlyExposesOnlyTheNextCookieAndSaysWhy() {
        let s = session(preset: "spa")
        s.run("login alice", "set cookie.samesite none", "set cookie.httponly off")
        let csrf = s.outcomes(of: "csrf alice POST /token").first ?? ""
        #expect(csrf.contains("the cookie was set with SameSite=Strict; the policy's SameSite=None applies from its next Set-Cookie"), "\(csrf)")
        let xss = s.outcomes(of: "steal refresh from alice via xss").first ?? ""
        #expect(xss.contains("HttpOnly cookie") && xss.contains("was set with HttpOnly"), "\(xss)")
        s.run("refresh alice")
        #expect(s.outcomes(of: "steal refresh from alice via xss").first?.contains("got rt2: script reads cookie") == true)
    }

    @Test func theAttributesTravelWithAWorldSnapshot() throws {
        let s = try Session(seed: 1, preset: "spa")
        for line in ["set cookie.samesite none", "login alice", "set cookie.samesite strict"] { _ = s.execute(line) }
        let copy = s.world.snapshot()
        let alice = try #require(copy.clients.firstIndex { $0.name == "alice.browser" })
        #expect(copy.cookie(.refresh, of: copy.clients[alice]).sameSite == .none)
    }
}
