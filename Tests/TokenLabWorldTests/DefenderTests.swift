import Testing
@testable import TokenLabWorld

/// The defender's actions (`admin revoke`, `password`): what ends mallory's
/// material, and what becomes of access tokens when their family ends.
@Suite struct DefenderTests {
    /// RFC 7009 §2.1: revoking a refresh token, a server that can revoke
    /// access tokens "SHOULD also invalidate all access tokens based on the
    /// same authorization grant": logout takes at1 along, not only the at2
    /// the app presented.
    @Test func withADenylistLogoutEndsEveryAccessTokenOfTheGrant() {
        let s = session()
        s.run("set denylist on", "login alice", "steal access from alice via xss", "advance 1m", "refresh alice")
        let logout = s.outcomes(of: "logout alice").first ?? ""
        #expect(logout.contains("200 family fam1 revoked; at1 denylisted with its grant; at2 denylisted (jti "), "\(logout)")
        let call = s.outcomes(of: "as mallory call GET /orders").first ?? ""
        #expect(call.contains("401") && call.contains("denylisted"), "\(call)")
    }

    @Test func adminRevokeEndsASilentLoginFamilyAndTheReportSaysSo() {
        let s = session(preset: "rotation")
        s.run("login alice", "steal all from alice via silent")
        #expect(s.outcomes(of: "admin revoke alice") == [
            "admin revoke alice  fam1 fam2 revoked: every session of alice; at1 at2 stay valid until they expire (local validation, no denylist)",
        ])
        #expect(s.outcomes(of: "as mallory refresh").first?.contains("400 invalid_grant: family fam2 was revoked at 00:00:00.080 (admin)") == true)
        let report = s.run("report")
        #expect(report.contains("      usable until 00:00:00.080: family revoked (admin) [RFC 9700 §4.14.2]"), "seed 1: \(report)")
    }

    @Test func withADenylistTheReportSaysAdminRevocationStoppedEverything() {
        let s = session(preset: "bcp")
        s.run("login alice", "steal all from alice via silent", "advance 1m")
        #expect(s.outcomes(of: "admin revoke alice").first?.hasSuffix("at1 at2 denylisted") == true)
        #expect(s.outcomes(of: "as mallory call GET /orders").first?.contains("401 invalid_token: revoked (denylisted)") == true)
        let outcome = s.world.attackOutcomes().last
        #expect(outcome?.stopped == true, "seed 1: \(String(describing: outcome))")
        #expect(outcome?.stoppedBy.contains("admin revocation [RFC 9700 §4.14.2]") == true, "seed 1: \(outcome?.stoppedBy ?? "")")
        #expect(outcome?.stoppedBy.contains("denylist") == true)
    }

    @Test func aPasswordChangeRevokesRefreshTokensAndAliceMustLogInAgain() {
        let s = session(preset: "rotation")
        s.run("login alice")
        #expect(s.outcomes(of: "password alice") == [
            "password change (alice)  fam1 revoked: alice's browser must log in again; at1 stays valid until it expires (local validation, no denylist)",
        ])
        #expect(s.execute("password alice").events.last?.rule == "RFC 9700 §4.14.2")
        s.run("advance 16m")
        let call = s.outcomes(of: "call alice GET /orders")
        #expect(call.contains { $0.contains("400 invalid_grant: family fam1 was revoked at 00:00:00.080 (password change)") }, "seed 1: \(call)")
        #expect(call.last == "refresh refused: drops its tokens; alice must log in again  ")
        s.run("login alice")
        #expect(s.outcomes(of: "call alice GET /orders").last?.hasSuffix("200 3 orders") == true)
        // No session left: a silent login finds nothing to ride on.
        #expect(s.outcomes(of: "password bob") == ["password change (bob)  no live session of bob: nothing to revoke"])
        #expect(s.execute("password mallory").error?.message.hasPrefix("password: mallory has no account") == true)
    }

    @Test(arguments: [
        ("rotation", [String](), "fam2 revoked: every session of alice; at1 at2 stay valid until they expire (local validation, no denylist)",
         "200 3 orders"),
        ("rotation", ["set denylist on"], "at1 at2 denylisted", "401 invalid_token: revoked (denylisted)"),
        ("rotation", ["set validation introspection"], "at1 at2 inactive at once: introspection finds their family revoked",
         "401 invalid_token: inactive: its session fam2 was revoked at "),
    ])
    func theAccessTokenAfterAnAdminRevocation(preset: String, settings: [String], fate: String, call: String) {
        let s = session(preset: preset)
        for line in settings { s.run(line) }
        s.run("login alice", "logout alice", "login alice", "steal access from alice via xss")
        // fam1 ended with the logout, though at1 has not expired; at2 is alice's current token, which mallory holds too.
        let line = s.outcomes(of: "admin revoke alice").first ?? ""
        #expect(line.contains(fate), "\(preset) \(settings): \(line)")
        let used = s.outcomes(of: "as mallory call GET /orders").last ?? ""
        #expect(used.contains(call), "\(preset) \(settings): \(used)")
    }

    @Test func theLogoutLineSaysWhatBecomesOfTheAccessToken() {
        let introspected = session(preset: "rotation")
        introspected.run("set validation introspection", "login alice")
        #expect(introspected.outcomes(of: "logout alice").first?.hasSuffix(
            "200 family fam1 revoked; at1 inactive at once: introspection finds its family revoked") == true)
        let local = session(preset: "rotation")
        local.run("login alice")
        #expect(local.outcomes(of: "logout alice").first?.hasSuffix("200 family fam1 revoked; at1 stays valid until it expires") == true)
        let kept = session(preset: "rotation")
        kept.run("set validation introspection", "set logout.revoke off", "login alice")
        #expect(kept.outcomes(of: "logout alice").first?.hasSuffix("at1 stays valid until it expires (its family is live)") == true)
    }
}
