import Testing
@testable import TokenLabWorld

/// Smaller truths: the header a refusal carries, what a cached introspection
/// answer says, an algorithm switch that keeps users in, whose a token is.
@Suite struct RefusalTruthTests {
    static let header = String(repeating: " ", count: 14) + "WWW-Authenticate: "

    @Test func aCachedIntrospectionAnswerSaysSoAndTheReportKnowsWhenItRunsOut() {
        let s = session(preset: "introspection")
        s.run("set denylist off", "login alice", "steal access from alice via xss", "as mallory call GET /orders")
        #expect(s.outcomes(of: "admin revoke alice").first?.contains(
            "at1 inactive at once: introspection finds its family revoked (an answer the API cached as active stays for up to introspection.cache 30s)") == true)
        #expect(s.outcomes(of: "as mallory call GET /orders") == ["GET /orders  Bearer at1  200 3 orders (introspection answer cached)"])
        let report = s.run("report")
        #expect(report.contains { $0.contains("usable until 00:00:30.140 unless stopped: accepted from the API's cached introspection answer; the auth server already says inactive") },
                "seed 1: \(report)")
        s.run("advance 31s")
        let refused = s.outcomes(of: "as mallory call GET /orders")
        #expect(refused.last?.contains("401 invalid_token: inactive: its session fam1 was revoked") == true, "\(refused)")
        #expect(s.run("report").contains { $0.contains("inactive: its session was revoked (admin)") })
    }

    @Test func switchingToRS256KeepsAliceWorking() {
        let s = session()
        #expect(s.run("set signing RS256") == ["signing: HS256 -> RS256 (algs now HS256,RS256 so the API accepts what the auth server signs)"])
        s.run("login alice")
        #expect(s.outcomes(of: "call alice GET /orders") == ["GET /orders  Bearer at1  200 3 orders"])
        let narrowed = s.run("set algs HS256")
        #expect(narrowed == ["algs: HS256,RS256 -> HS256 (the auth server signs RS256, which the API now refuses: every new token fails; add RS256 or set signing)"])
    }

    @Test func theTokensTableNamesTheSubjectAsOwnerAndMalloryAsHolder() {
        let s = session(preset: "rotation")
        s.run("login alice", "steal all from alice via silent")
        let table = s.run("tokens")
        let at2 = table.first { $0.hasPrefix("at2 ") } ?? ""
        let rt2 = table.first { $0.hasPrefix("rt2 ") } ?? ""
        #expect(at2.split(separator: " ", omittingEmptySubsequences: true)[1] == "alice", "\(table)")
        #expect(at2.hasSuffix("mallory") && rt2.hasSuffix("mallory"), "\(table)")
        #expect(rt2.split(separator: " ", omittingEmptySubsequences: true)[1] == "alice")
        #expect(table.first { $0.hasPrefix("at1 ") }?.hasSuffix("alice.browser") == true)
        #expect(table.allSatisfy { $0.count <= 80 }, "\(table.map(\.count))")
    }

    @Test func refusalsShowTheWWWAuthenticateHeader() {
        let s = session(preset: "rotation")
        let admin = s.run("login alice", "call alice GET /admin")
        #expect(admin.last == Self.header + #"Bearer realm="api", error="insufficient_scope", error_description="needs scope admin""#)
        s.run("advance 16m")
        let expired = s.run("call alice GET /orders")
        #expect(expired[1] == Self.header + #"Bearer realm="api", error="invalid_token", error_description="expired 1m140ms ago""#, "\(expired)")
        // No credentials: no error code (RFC 6750 §3.1).
        let none = s.run("logout alice", "call alice GET /orders")
        #expect(none.last == Self.header + #"Bearer realm="api""#, "\(none)")
        let trace = (try? runScript("login alice\nlogout alice\ncall alice GET /orders").trace) ?? ""
        #expect(trace.contains(#""www_authenticate":"Bearer realm=\"api\"""#), "\(trace)")
    }

    @Test func aBoundTokenIsRefusedUnderTheDPoPScheme() {
        let s = session(preset: "dpop")
        s.run("login alice", "steal access from alice via xss")
        let used = s.run("as mallory call GET /orders")
        #expect(used.last == Self.header + #"DPoP realm="api", error="invalid_token", error_description="bound to another key (cnf.jkt)""#, "\(used)")
        // The header carries no quote or non-ASCII character (RFC 6750 §3).
        #expect(APIResponse.headerSafe(#"alg "RS256" not allowed — see §3"#) == "alg 'RS256' not allowed ? see ?3")
    }
}
