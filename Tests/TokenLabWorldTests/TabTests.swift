import Testing
@testable import TokenLabWorld

/// Issue 13, tabs: a browser's tabs share its cookie jar and localStorage
/// but not memory or sessionStorage (browser-based-apps BCP §8.4, §8.5).
/// The races of the catalog follow from where the refresh token sits.
@Suite struct TabTests {
    @Test func aNewTabSharesTheCookieJarButNotTheFirstTabsMemory() {
        let s = session(preset: "spa")
        s.run("login alice")
        let open = s.run("open alice")
        #expect(open.contains { $0.contains("alice.tab2  opens: a new tab of alice's browser") && $0.contains("shared with the other tabs: rt1 (cookie)") })
        #expect(open.contains { $0.contains("alice.tab2 -> auth  POST /token refresh (Cookie rt1)") && $0.contains("200 at2 rt2") }, "\(open)")
        let status = s.run("status")
        #expect(status.contains { $0.hasPrefix("alice.browser: access at1") && $0.contains("refresh rt2 in cookie") }, "the jar holds the rotated cookie for both: \(status)")
        #expect(status.contains { $0.hasPrefix("alice.tab2: access at2") }, "\(status)")
        #expect(s.world.holders(of: s.world.ledger.entry(id: "rt2")!.value) == "alice.browser, alice.tab2")
        #expect(s.world.holders(of: s.world.ledger.entry(id: "at1")!.value) == "alice.browser", "memory is the tab's own")
        // Any command taking a user takes a tab.
        #expect(s.run("call alice.tab2 GET /orders").last?.contains("alice.tab2 -> api  GET /orders  Bearer at2  200") == true)
        #expect(s.execute("advance until alice.tab2.access expires").output == ["now 00:15:00.000: at2 expired"], "at2's exp, in whole seconds")
    }

    @Test func twoTabsRefreshingWithASharedRefreshCookieTripReuseDetection() {
        let s = session(preset: "spa")
        s.run("login alice", "open alice")
        let race = s.outcomes(of: "race tabs alice")
        #expect(race.first?.contains("alice.browser with rt2 from the browser's cookie jar; alice.tab2 with rt2 from the browser's cookie jar") == true, "\(race)")
        #expect(race.contains { $0.contains("reuse of rt2 detected") }, "the second presentation of the shared cookie is reuse: \(race)")
        #expect(race.contains { $0.contains("alice must log in again") })
        // The same race with a grace period: both tabs carry on.
        let lenient = session(preset: "spa")
        lenient.run("set refresh.grace 2s", "login alice", "open alice")
        let forgiven = lenient.outcomes(of: "race tabs alice")
        #expect(forgiven.contains { $0.contains("accepted within refresh.grace 2s") } && !forgiven.contains { $0.contains("reuse") }, "\(forgiven)")
        // localStorage is shared too: the same race, with the token in the body.
        let local = session(preset: "rotation")
        local.run("login alice", "open alice")
        let shared = local.outcomes(of: "race tabs alice")
        #expect(shared.first?.contains("alice.tab2 with rt1 from the browser's localStorage") == true, "\(shared)")
        #expect(shared.contains { $0.contains("reuse of rt1 detected") })
    }

    @Test func aRefreshTokenPerTabMeansALoginPerTabAndNoRace() {
        let s = session(preset: "rotation")
        s.run("set storage sessionStorage", "login alice")
        #expect(s.run("open alice").contains { $0.contains("nothing to start from: login alice.tab2 logs this tab in") })
        #expect(s.outcomes(of: "race tabs alice").first?.contains("alice.tab2 holds no refresh token") == true)
        let login = s.run("login alice.tab2").joined(separator: "\n")
        #expect(login.contains("alice.tab2 -> auth  POST /token authorization_code c2") && login.contains("fam2"), "a family of its own: \(login)")
        let race = s.outcomes(of: "race tabs alice")
        #expect(!race.contains { $0.contains("reuse") } && race.filter { $0.contains("200 at") }.count == 2, "\(race)")
        // sessionStorage survives a reload of its tab, but no stolen device holds it.
        #expect(s.run("reload alice").contains { $0.contains("nothing was in memory; kept:") && $0.contains("in sessionStorage") })
        #expect(s.outcomes(of: "steal refresh from alice via device").first?.contains("sessionStorage lives as long as its tab") == true)
    }

    @Test func xssReadsTheMemoryAndSessionStorageOfTheTabItRunsInOnly() {
        let s = session(preset: "spa")
        s.run("login alice", "open alice")
        #expect(s.outcomes(of: "steal access from alice.tab2 via xss").first?.contains("got at2: script reads alice.tab2's memory") == true)
        #expect(s.outcomes(of: "steal access from alice via xss").first?.contains("got at1: script reads the page's memory") == true)
        let session = TokenLabWorldTests.session(preset: "rotation")
        session.run("set storage sessionStorage", "login alice", "open alice", "login alice.tab2")
        #expect(session.outcomes(of: "steal refresh from alice via xss").first?.contains("got rt1: script reads the page's sessionStorage") == true)
        #expect(!session.world.attackerHolds(session.world.ledger.entry(id: "rt2")!.value), "the other tab's sessionStorage is out of reach")
    }

    @Test func contradictionsAreRefusedWithOneLineOrPlayOutVisibly() {
        let s = session(preset: "spa")
        s.run("login alice")
        #expect(s.outcomes(of: "race tabs alice") == ["race tabs  refused step: alice has one tab open (open alice opens another)"])
        #expect(s.execute("open mallory").error?.message == "open takes a user's browser: alice or bob")
        #expect(s.execute("open").error?.message == "usage: open USER")
        #expect(s.execute("call alice.tab7 GET /orders").error?.message.hasPrefix("unknown user 'alice.tab7'") == true)
        for _ in 0..<8 { s.run("open alice") }
        #expect(s.execute("open alice").error?.message == "open: alice's browser has 9 tabs open, the most this model keeps")
        // SameSite=None without Secure: the browser ignores the cookie, visibly (draft-ietf-httpbis-rfc6265bis §5.7).
        let none = session(preset: "spa")
        let lines = none.run("set cookie.samesite none", "set cookie.secure off", "login alice")
        #expect(lines.contains { $0.contains("ignores the Set-Cookie of rt1: a SameSite=None cookie without Secure is not stored") })
        #expect(none.world.clients[0].refresh == nil)
        #expect(none.world.policy.risk(of: "cookie.samesite") == "browsers ignore a SameSite=None cookie without Secure")
    }

    @Test func theCatalogsTwoTabRaceFollowsFromTheStorage() {
        let spa = Matrix.run(attack: "race-two-tabs", preset: "spa")
        #expect(spa.victimCost?.contains("reuse detected") == true, "a shared refresh cookie races: \(spa)")
        let baseline = Matrix.run(attack: "race-two-tabs", preset: "baseline")
        #expect(baseline.victimCost == nil, "no rotation, no reuse: \(baseline)")
        let rotation = Matrix.run(attack: "race-two-tabs", preset: "rotation")
        #expect(rotation.victimCost?.contains("reuse detected") == true)
    }
}
