import Testing
@testable import TokenLabWorld

/// Issue 12: the browser-based-apps BCP's three architectures (§6.1 BFF,
/// §6.2 token-mediating backend, §6.3 browser-based client). What each
/// attack reaches follows from where the tokens are and who may redeem them.
@Suite struct ArchitectureTests {
    @Test func underABFFTheBackendRunsTheLoginWithItsCredentialsAndThePageGetsOnlyASessionCookie() {
        let s = session(preset: "bff")
        let login = s.run("login alice")
        #expect(login.contains { $0.contains("alice.browser -> auth  GET /authorize (alice) S256 challenge for the backend  302 to /bff/callback?code=c1") }, "\(login)")
        #expect(login.contains { $0.contains("backend -> auth  POST /token authorization_code c1 + verifier + client credentials  200 at1 rt1 fam1") }, "\(login)")
        #expect(login.contains { $0.contains("alice.browser -> backend  GET /bff/callback?code=c1  302 to the app; Set-Cookie s1 (HttpOnly Secure SameSite=Strict Path=/)") }, "\(login)")
        #expect(s.world.clients[0].access == nil && s.world.clients[0].refresh == nil && s.world.clients[0].session == "s1")
        let call = s.run("call alice GET /orders")
        #expect(call.contains { $0.contains("backend -> api  GET /orders  Bearer at1  200 3 orders") }, "\(call)")
        #expect(call.contains { $0.contains("alice.browser -> backend  GET /orders  Cookie s1  200 3 orders") }, "\(call)")
        #expect(s.run("status").contains { $0.hasPrefix("backend (alice's session s1): access at1, refresh rt1, server-side") })
        // The access token expires: the backend refreshes with its credentials and retries; the page never notices.
        s.run("advance 16m")
        let later = s.run("call alice GET /orders")
        #expect(later.contains { $0.contains("backend -> auth  POST /token refresh_token rt1 + client credentials  200 at2 rt2") }, "\(later)")
        #expect(later.last?.contains("alice.browser -> backend  GET /orders  Cookie s1  200 3 orders") == true, "\(later)")
    }

    @Test func underABFFXSSStealsNoTokenButRidesTheSessionWhileThePageIsOpen() {
        let s = session(preset: "bff")
        s.run("login alice")
        let theft = s.outcomes(of: "steal all from alice via xss")
        #expect(theft.allSatisfy { $0.contains("nothing: the backend keeps the tokens server-side") } && theft.count == 2, "\(theft)")
        let ride = s.run("ride alice GET /orders")
        #expect(ride.contains { $0.contains("alice.browser -> backend  GET /orders  Cookie s1  (sent by mallory's script)  200 3 orders") }, "\(ride)")
        #expect(s.outcomes(of: "ride alice refresh").contains { $0.contains("nothing: the backend refreshed its own tokens") })
        #expect(s.world.attackOutcomes().contains { $0.origin.hasPrefix("alice's session (xss)") && $0.apiRequests == 1 })
        // The user ends the session: the backend revokes what it holds, and the ride is over.
        let logout = s.run("logout alice")
        #expect(logout.contains { $0.contains("backend -> auth  POST /revoke (logout) rt2 at2  200 family fam1 revoked") }, "\(logout)")
        #expect(logout.contains { $0.contains("alice.browser -> backend  POST /bff/logout  Cookie s1  200 session ended; Set-Cookie clears the session cookie") }, "\(logout)")
        #expect(s.outcomes(of: "ride alice GET /orders").allSatisfy { !$0.contains("200") })
        // The ride was possible until the session ended, not only until its last success.
        let report = s.run("report")
        let ended = logout.first { $0.contains("POST /bff/logout") }.map { String($0.prefix(12)) } ?? "?"
        #expect(report.contains { $0.contains("usable until \(ended): the victim's session ended") }, "\(report)")
    }

    @Test func aSilentLoginByInjectedScriptGetsACodeButNoFamilyUnderABackend() {
        for preset in ["bff", "token-mediating"] {
            let s = session(preset: preset)
            s.run("login alice")
            let families = s.world.auth.families.count
            let silent = s.outcomes(of: "steal all from alice via silent")
            #expect(silent.contains { $0.contains("POST /token authorization_code c2, no client credentials  401 invalid_client") }, "\(preset): \(silent)")
            #expect(silent.contains { $0.contains("nothing: the script got code c2 but the code exchange needs the backend's client credentials") })
            #expect(s.world.auth.families.count == families, "\(preset): no family for mallory")
            #expect(s.outcomes(of: "as mallory call GET /orders").first == "GET /orders  no token  401 no token", "she holds only the code")
        }
        // The browser-based client: the same script keeps a family of its own.
        let spa = session(preset: "spa")
        spa.run("login alice")
        #expect(spa.outcomes(of: "steal all from alice via silent").first?.contains("in a new family fam2") == true)
    }

    @Test func aLeakedRefreshTokenOfTheBackendIsRefusedWithoutItsClientAuthentication() {
        let s = session(preset: "bff")
        s.run("login alice")
        #expect(s.outcomes(of: "steal refresh from alice via backend").first?.contains("got rt1: read from the backend's session store") == true)
        let refresh = s.outcomes(of: "as mallory refresh")
        #expect(refresh.first?.contains("POST /token refresh_token rt1  401 invalid_client: client authentication failed: backend-app is a confidential client") == true,
                "RFC 6749 §3.2.1, §5.2: \(refresh)")
        #expect(s.world.attackOutcomes().last?.stoppedBy.contains("[RFC 6749 §3.2.1, §5.2]") == true)
        // Under the browser-based client there is no backend to leak from.
        let spa = session(preset: "spa")
        spa.run("login alice")
        #expect(spa.outcomes(of: "steal refresh from alice via backend").first?.contains("no backend holds alice's refresh token") == true)
    }

    @Test func underATokenMediatingBackendXSSGetsTheAccessTokenNeverTheRefreshToken() {
        let s = session(preset: "token-mediating")
        let login = s.run("login alice")
        #expect(login.contains { $0.contains("Set-Cookie s1 (HttpOnly Secure SameSite=Strict Path=/), at1 in the JSON body") }, "\(login)")
        #expect(s.outcomes(of: "steal access from alice via xss").first?.contains("got at1: script reads the page's memory") == true)
        #expect(s.outcomes(of: "steal refresh from alice via xss").first?.contains("nothing: the backend keeps the refresh token server-side") == true)
        // The script asks the backend for a fresh access token, as the app would (BCP §6.2.4.3.1).
        let ride = s.run("ride alice refresh")
        #expect(ride.contains { $0.contains("alice.browser -> backend  POST /bff/token  Cookie s1  (sent by mallory's script)  200 at2 in the JSON body") }, "\(ride)")
        #expect(ride.contains { $0.contains("got at2 from the JSON body") })
        // The page calls the API itself; on a 401 it asks the backend and retries.
        s.run("advance 16m")
        let call = s.run("call alice GET /orders")
        #expect(call.contains { $0.contains("alice.browser -> api  GET /orders  Bearer at1  401") }, "the page still holds at1; at2 went to the script: \(call)")
        #expect(call.contains { $0.contains("alice.browser -> backend  POST /bff/token  Cookie s1  200 at3 in the JSON body") }, "\(call)")
        #expect(call.last?.contains("alice.browser -> api  GET /orders  Bearer at3  200 3 orders") == true, "\(call)")
    }

    @Test func anAdminEndingTheSessionsRevokesTheBackendsTokens() {
        let s = session(preset: "bff")
        s.run("login alice", "admin revoke alice", "advance 16m")
        let call = s.run("call alice GET /orders")
        #expect(call.contains { $0.contains("backend -> auth  POST /token refresh_token rt1 + client credentials  400 invalid_grant: family fam1 was revoked") }, "\(call)")
        #expect(call.contains { $0.contains("backend  refresh refused: ends alice's session; alice must log in again") })
        #expect(call.last?.contains("alice.browser -> backend  GET /orders  Cookie s1  401") == true, "\(call)")
    }

    @Test func csrfAgainstABFFDependsOnTheSessionCookiesSameSite() {
        let strict = session(preset: "bff")
        strict.run("login alice")
        #expect(strict.outcomes(of: "csrf alice POST /orders").first?.contains("SameSite=Strict keeps the BFF's session cookie off cross-site requests") == true)
        // The session cookie carries the SameSite it was set with.
        let s = session(preset: "bff")
        s.run("set cookie.samesite none", "login alice")
        let forged = s.run("csrf alice POST /orders")
        #expect(forged.contains { $0.contains("alice.browser -> backend  POST /orders  Cookie s1  (cross-site, from mallory's page)  200 order placed") }, "\(forged)")
    }

    @Test func settingsThatContradictTheArchitectureAreRefusedOrShownAsNotApplying() {
        let s = session(preset: "bff")
        #expect(s.run("set storage memory") == ["storage: localStorage -> memory (not under bff: the page holds no tokens, only the backend's session cookie)"])
        #expect(s.run("policy").contains { $0.hasPrefix("storage.refresh") && $0.contains("- not under bff") })
        #expect(s.run("policy").last?.hasPrefix("client.architecture bff: a backend-for-frontend (browser-based-apps BCP §6.1)") == true)
        #expect(s.execute("set login.flow password").error?.message.hasPrefix("client.architecture bff needs login.flow code") == true)
        let tmb = session(preset: "token-mediating")
        #expect(tmb.execute("set dpop on").error?.message.hasPrefix("dpop on with client.architecture token-mediating") == true)
        #expect(tmb.run("set storage.refresh cookie").first?.contains("not under token-mediating: the backend keeps the refresh token") == true)
        #expect(s.execute("set client.architecture server").error?.message == "client.architecture takes browser, token-mediating, bff; got 'server'")
    }

    @Test func whatTheBackendsCookieAndTheAuthServersTableStillDecide() {
        // A Secure session cookie over a plain link is ignored, visibly: nobody is logged in.
        let plain = session(preset: "bff")
        let login = plain.run("set tls off", "login alice")
        #expect(login.contains { $0.contains("alice.browser  ignores the Set-Cookie of s1: a Secure cookie over a plain link is not stored; alice is not logged in") }, "\(login)")
        #expect(plain.world.clients[0].session == nil)
        // The auth server's table holds the backend's family as hashes, like any other.
        let s = session(preset: "bff")
        s.run("login alice", "open alice")
        #expect(s.outcomes(of: "steal refresh from alice via insider").first?.contains("the table holds only SHA-256 hashes") == true)
        // Tabs share the session cookie; only the backend refreshes, so tabs do not race.
        #expect(s.run("call alice.tab2 GET /orders").last?.contains("alice.tab2 -> backend  GET /orders  Cookie s1  200 3 orders") == true)
        #expect(s.outcomes(of: "race tabs alice") == ["race tabs  refused step: no tab holds a refresh token (the backend keeps it and refreshes for the session)"])
    }

    @Test func theBackendIsItsOwnLifelineInDiagramsAndTraces() throws {
        let s = try Session(seed: 1, preset: "bff")
        for line in ["login alice", "ride alice GET /orders"] { #expect(s.execute(line).error == nil) }
        let mermaid = try TraceView.of(s).render(as: .mermaid)
        #expect(mermaid.contains("    participant backend"), "\(mermaid)")
        #expect(mermaid.contains { $0.contains("mallory->>alice.browser: script: GET /orders") })
        #expect(mermaid.contains { $0.contains("alice.browser->>backend: GET /orders Cookie s1") })
        #expect(mermaid.contains { $0.contains("backend->>api: GET /orders Bearer at1") })
        #expect(s.trace.contains("\"kind\":\"request\",\"from\":\"backend\""), "the trace records the backend's own requests")
        let diagram = s.world.diagramLines(count: 12, width: 100, colors: false)
        #expect(diagram.first?.contains("backend") == true, "\(diagram)")
    }

    @Test func theMatrixPinsWhatEachArchitectureStops() {
        let theft = Matrix.run(attack: "xss-once", preset: "bff")
        #expect(theft.apiRequests == 0 && theft.stoppedBy == "backend holds tokens", "\(theft)")
        for preset in ["spa", "token-mediating", "bff"] {
            #expect(Matrix.run(attack: "xss-proxy", preset: preset).apiRequests > 0, "riding works under \(preset)")
        }
        let silentBrowser = Matrix.run(attack: "xss-silent-login", preset: "spa")
        #expect(silentBrowser.apiRequests > 0 && silentBrowser.stoppedBy.hasPrefix("nothing"), "\(silentBrowser)")
        for preset in ["token-mediating", "bff"] {
            let cell = Matrix.run(attack: "xss-silent-login", preset: preset)
            #expect(cell.apiRequests == 0 && cell.stoppedBy == "client authentication", "\(preset): \(cell)")
        }
        let mediated = Matrix.run(attack: "xss-once", preset: "token-mediating")
        #expect(mediated.apiRequests > 0, "under token-mediating the page's access token is still script's to take: \(mediated)")
    }
}
