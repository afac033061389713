import Testing
import TokenLabCore
@testable import TokenLabWorld

/// The foundation's story, end to end: login, call, expiry, silent refresh,
/// reuse detection, logout. Each line is what a learner sees.
@Suite struct ScenarioTests {
    static let script = """
        set preset rotation
        login alice
        call alice GET /orders
        call alice GET /admin
        advance until alice.access expires
        call alice GET /orders
        refresh alice rt1   # a stale copy of the rotated token: reuse
        call alice GET /orders
        login alice
        logout alice
        refresh alice rt3
        """

    @Test func theStoryPrintsTheExpectedLines() throws {
        let output = try runScript(Self.script).output
        let expected = [
            "> set preset rotation",
            "policy is now the rotation preset",
            "> login alice",
            "00:00:00.020  alice.browser -> auth  GET /authorize (alice) S256 challenge  302 to /callback?code=c1",
            "00:00:00.060  alice.browser -> auth  POST /token authorization_code c1 + verifier  200 at1 rt1 fam1",
            "> call alice GET /orders",
            "00:00:00.100  alice.browser -> api  GET /orders  Bearer at1  200 3 orders",
            "> call alice GET /admin",
            "00:00:00.140  alice.browser -> api  GET /admin  Bearer at1  403 insufficient_scope: needs scope admin  [RFC 6750 §3.1]",
            #"              WWW-Authenticate: Bearer realm="api", error="insufficient_scope", error_description="needs scope admin""#,
            "> advance until alice.access expires",
            "now 00:15:00.000: at1 expired",
            "> call alice GET /orders",
            "00:15:00.020  alice.browser -> api  GET /orders  Bearer at1  401 invalid_token: expired 20ms ago  [RFC 7519 §4.1.4]",
            #"              WWW-Authenticate: Bearer realm="api", error="invalid_token", error_description="expired 20ms ago""#,
            "00:15:00.040  alice.browser  got 401: refreshes once, then retries",
            "00:15:00.060  alice.browser -> auth  POST /token refresh_token rt1  200 at2 rt2 (rt1 rotated) fam1",
            "00:15:00.100  alice.browser -> api  GET /orders  Bearer at2  200 3 orders",
            "> refresh alice rt1   # a stale copy of the rotated token: reuse",
            "00:15:00.140  alice.browser -> auth  POST /token refresh_token rt1  400 invalid_grant: refresh token reuse detected: it was rotated at 00:15:00.060; family fam1 revoked  [RFC 9700 §4.14.2]",
            "00:15:00.140  auth  reuse of rt1 detected  family fam1 revoked: its refresh tokens are refused; at2 stays valid until it expires (local validation, no denylist)  [RFC 9700 §4.14.2]",
            "00:15:00.160  alice.browser  refresh refused: drops its tokens; alice must log in again",
            "> call alice GET /orders",
            "00:15:00.180  alice.browser -> api  GET /orders  no token  401 no token  [RFC 6750 §3.1]",
            #"              WWW-Authenticate: Bearer realm="api""#,
            "> login alice",
            "00:15:00.220  alice.browser -> auth  GET /authorize (alice) S256 challenge  302 to /callback?code=c2",
            "00:15:00.260  alice.browser -> auth  POST /token authorization_code c2 + verifier  200 at3 rt3 fam2",
            "> logout alice",
            "00:15:00.300  alice.browser -> auth  POST /revoke (logout) rt3 at3  200 family fam2 revoked; at3 stays valid until it expires  [RFC 7009 §2.1]",
            "> refresh alice rt3",
            "00:15:00.340  alice.browser -> auth  POST /token refresh_token rt3  400 invalid_grant: family fam2 was revoked at 00:15:00.300 (logout)  [RFC 6749 §5.2]",
            "00:15:00.360  alice.browser  refresh refused: drops its tokens; alice must log in again",
        ]
        #expect(output == expected)
    }

    @Test func anAccessTokenOutlivesItsRevokedFamilyUnlessTheAPIHasADenylist() {
        let baseline = session(preset: "rotation")
        baseline.run("login alice", "logout alice")
        #expect(baseline.outcomes(of: "call alice GET /orders") == ["GET /orders  no token  401 no token"])
        // The logged-out token still works where the API only checks signature and expiry.
        let world = baseline.world
        let at1 = world.ledger.entry(id: "at1")!.value
        #expect(world.api.validateLocally(at1, now: world.now, auth: world.auth).isAccepted)

        let bcp = session(preset: "bcp")
        bcp.run("login alice", "logout alice")
        let bcpWorld = bcp.world
        let token = bcpWorld.ledger.entry(id: "at1")!.value
        guard case .refused(let response) = bcpWorld.api.validateLocally(token, now: bcpWorld.now, auth: bcpWorld.auth) else {
            Issue.record("bcp should refuse a logged-out access token")
            return
        }
        #expect(response.summary == "401 invalid_token: revoked (denylisted)")
    }

    @Test func withoutRotationTheRefreshTokenIsKept() {
        let s = session(preset: "baseline")
        s.run("login alice", "advance 16m")
        #expect(s.outcomes(of: "refresh alice") == ["POST /token refresh_token rt1  200 at2 (refresh token kept, no rotation) fam1"])
        #expect(s.outcomes(of: "refresh alice rt1") == ["POST /token refresh_token rt1  200 at3 (refresh token kept, no rotation) fam1"])
    }

    @Test func reuseWithoutDetectionIsRefusedButRevokesNothing() {
        let s = session(preset: "rotation")
        s.run("set refresh.reuse_detection off", "login alice", "refresh alice")
        let outcome = s.outcomes(of: "refresh alice rt1")
        #expect(outcome.first?.hasSuffix("400 invalid_grant: refresh token already rotated at 00:00:00.100") == true)
        #expect(s.world.statusLines().contains { $0.contains("fam1 active") } == false, "alice dropped her tokens after the refusal")
        #expect(s.world.auth.familyIsRevoked(0) == false)
    }

    @Test func graceCoversOnlyTheImmediatelyPreviousToken() {
        let s = session(preset: "rotation")
        s.run("set refresh.grace 2s", "login alice", "refresh alice", "refresh alice")  // rt1 -> rt2 -> rt3
        // rt2 was rotated 40 ms ago: inside the grace period, accepted.
        #expect(s.outcomes(of: "refresh alice rt2").first?.contains("accepted within refresh.grace 2s") == true)
        // rt1 is two generations back: reuse, whatever the grace.
        #expect(s.outcomes(of: "refresh alice rt1").first?.contains("reuse detected") == true)
        #expect(s.world.auth.familyIsRevoked(0))
    }

    @Test func aRotatedFamilyNeverOutlivesItsAbsoluteLifetime() {
        let s = session(preset: "rotation")
        s.run("set refresh.ttl 1h", "set refresh.idle 20m", "login alice")
        for _ in 0..<3 { s.run("advance 15m", "refresh alice") }  // rotated at 15, 30, 45 minutes
        s.run("advance 14m")
        #expect(s.outcomes(of: "refresh alice").first?.hasPrefix("POST /token refresh_token rt4  200") == true)
        s.run("advance 2m")  // 01:01: past the family's absolute hour, inside the idle window
        let refused = s.outcomes(of: "refresh alice").first ?? ""
        #expect(refused.contains("400 invalid_grant: refresh token expired"), "\(refused)")
        #expect(refused.contains("absolute lifetime"))
    }

    @Test func aKeptRefreshTokensIdleDeadlineSlidesAndTheViewsSaySo() {
        let s = session(preset: "baseline")
        s.run("set refresh.rotation off", "set refresh.idle 1h", "login alice", "advance 30m", "refresh alice")
        // Used at 00:30:00.100, so it lives until 01:30:00.100, not the 01:00:00.060 it was issued with.
        let row = s.run("tokens").first { $0.hasPrefix("rt1 ") } ?? ""
        #expect(row.contains("01:30:00.100") && !row.contains("01:00:00.060"), "\(row)")
        #expect(s.run("decode rt1").contains("family fam1, state valid, expires 01:30:00.100"))
        s.run("advance 45m")  // 01:15: past the first deadline, inside the slid one
        #expect(s.outcomes(of: "refresh alice").first?.contains("200 at") == true)
    }

    @Test func reuseIsDetectedLongAfterTheRotatedTokenWouldHaveExpired() {
        let s = session(preset: "rotation")
        s.run("set refresh.idle 1h", "login alice", "steal refresh from alice via xss", "refresh alice")
        // alice keeps refreshing; rt1's own hour is long over when mallory uses it.
        for _ in 0..<3 { s.run("advance 30m", "refresh alice") }
        let reuse = s.outcomes(of: "as mallory refresh").first ?? ""
        #expect(reuse.contains("reuse detected: it was rotated at 00:00:00.100; family fam1 revoked"), "\(reuse)")
        #expect(s.world.auth.familyIsRevoked(0), "RFC 9700 §4.14.2: the relationship is retained")
        // A token the server never sealed is still just unknown.
        #expect(s.world.auth.sealedFamily(of: String(repeating: "A", count: 43)) == nil)
    }

    @Test func idleTimeoutEndsAnUnusedRefreshToken() {
        let s = session(preset: "bcp")
        s.run("login alice", "advance 61m")
        let refused = s.outcomes(of: "refresh alice").first ?? ""
        #expect(refused.contains("400 invalid_grant: refresh token expired") && refused.contains("idle timeout"), "\(refused)")
    }

    @Test func revocationAnswers200EvenForTokensItCannotRevoke() {
        let s = session()
        s.run("login alice")
        let outcome = s.outcomes(of: "revoke at1")
        #expect(outcome == ["POST /revoke at1  200 nothing revoked (unknown, already revoked, or access token without denylist)"])
        #expect(s.outcomes(of: "revoke rt1") == ["POST /revoke rt1  200 family fam1 revoked; at1 stays valid until it expires (local validation, no denylist)"])
        #expect(s.outcomes(of: "revoke rt1").first?.contains("200") == true)
    }

    @Test func underIntrospectionAStolenTokensWindowRunsToItsExpiryNotToHerLastSuccess() {
        let s = session(preset: "introspection")
        s.run("login alice", "steal access from alice via xss", "as mallory call GET /orders", "advance 20m",
              "as mallory call GET /orders")  // refused: the auth server says inactive (expired)
        let outcome = s.world.attackOutcomes().first
        #expect(outcome?.usableUntil == VirtualTime(milliseconds: 15 * 60_000), "at1 expires at 00:15:00")
        #expect(outcome?.stoppedBy.hasPrefix("stopped: introspection (expiry)") == true, "\(outcome?.stoppedBy ?? "")")
    }

    @Test func theReportsCostsAreTheVictimsAndOnlyFromTheAttackOn() {
        let s = session(preset: "rotation")
        s.run("login bob", "refresh bob", "refresh bob rt1")  // bob trips reuse detection himself: no attack
        s.run("login alice", "refresh alice", "refresh alice rt3")  // so does alice, before any theft
        s.run("login alice", "steal refresh from alice via xss", "as mallory refresh", "refresh alice")
        let costs = s.run("report").filter { $0.hasPrefix("cost to the victim") }
        #expect(costs.count == 1 && costs[0].hasPrefix("cost to the victim: alice was logged out at"), "\(costs)")
    }

    @Test func introspectionSeesRevocationThatLocalValidationCannot() {
        let s = session(preset: "rotation")
        s.run("set validation introspection", "login alice", "call alice GET /orders")
        s.run("revoke rt1")
        let lines = s.outcomes(of: "call alice GET /orders")
        #expect(lines.first == "POST /introspect at1  200 active: false (its session fam1 was revoked at 00:00:00.180)")
        #expect(lines.dropFirst().first == "GET /orders  Bearer at1  401 invalid_token: inactive: its session fam1 was revoked at 00:00:00.180")
    }

    @Test func introspectionCacheDelaysRevocationByItsTTL() {
        let s = session(preset: "rotation")
        s.run("set validation introspection", "set introspection.cache 1m", "login alice", "call alice GET /orders", "revoke rt1")
        #expect(s.outcomes(of: "call alice GET /orders") == ["GET /orders  Bearer at1  200 3 orders (introspection answer cached)"])
        s.run("advance 1m")
        #expect(s.outcomes(of: "call alice GET /orders").contains { $0.contains("401 invalid_token: inactive") })
    }

    @Test func refreshAheadRefreshesBeforeTheCallInsteadOfAfterA401() {
        let s = session(preset: "rotation")
        s.run("set client.refresh_ahead 30s", "login alice", "advance 14m40s")
        let lines = s.execute("call alice GET /orders").events.map(\.line)
        #expect(lines.count == 3)
        #expect(lines[0].contains("at1 expires in") && lines[0].contains("refreshes first"))
        #expect(lines[2].hasSuffix("GET /orders  Bearer at2  200 3 orders"))
    }

    @Test func adminsReachTheAdminResourceAndUsersDoNot() {
        let s = session()
        s.run("login bob", "login alice")
        #expect(s.outcomes(of: "call bob GET /admin") == ["GET /admin  Bearer at1  200 admin console"])
        #expect(s.outcomes(of: "call alice GET /admin") == ["GET /admin  Bearer at2  403 insufficient_scope: needs scope admin"])
    }
}

extension ResourceServer.LocalCheck {
    var isAccepted: Bool { if case .accepted = self { true } else { false } }
}
