import Testing
@testable import TokenLabWorld

/// The attacker holds only what she took, keeps it after a refusal, and a
/// step the world makes impossible is an outcome, not an error.
@Suite struct AttackerKnowledgeTests {
    func lastOutcome(_ s: Interpreter, _ line: String) -> String {
        let result = s.execute(line)
        #expect(result.error == nil, "\(line): \(result.error?.message ?? "")")
        return result.events.last.map { $0.outcome.isEmpty ? $0.action : $0.action + "  " + $0.outcome } ?? ""
    }

    @Test func sheCannotPresentATokenSheNeverTook() {
        let s = session()
        s.run("login alice")
        #expect(lastOutcome(s, "as mallory refresh rt1") == "refresh rt1  refused step: mallory does not hold rt1; she holds: nothing")
        #expect(lastOutcome(s, "as mallory call GET /orders with at1")
                == "GET /orders with at1  refused step: mallory does not hold at1; she holds: nothing")
        #expect(s.run("report") == ["no attacks yet (steal, forge, ride or attack NAME start one)"], "nothing was used")
        #expect(s.world.auth.refreshState(of: s.world.ledger.entry(id: "rt1")!.value, now: s.world.now) == .valid)
    }

    @Test func aRefusedRefreshDoesNotMakeHerDropAStillValidAccessToken() {
        let s = session(preset: "rotation")
        s.run("login alice", "steal all from alice via xss", "refresh alice")  // alice rotates rt1 away
        #expect(lastOutcome(s, "as mallory refresh") == "refresh refused: she keeps what she holds (at1, rt1)")
        let wallet = s.run("wallet mallory")
        #expect(wallet.contains { $0.contains("at1") && $0.contains("usable for") }, "\(wallet)")
        // The next call still presents at1, which is valid: 200.
        #expect(s.outcomes(of: "as mallory call GET /orders").first == "GET /orders  Bearer at1  200 3 orders")
        #expect(!s.run("as mallory refresh").joined().contains("must log in again"))
    }

    @Test func sheMayPresentAnyTokenSheHoldsOrAPastedOne() {
        let s = session()
        s.run("login alice", "login bob", "steal access from alice via xss", "steal access from bob via xss")
        #expect(s.outcomes(of: "as mallory call GET /admin with at1").first?.hasSuffix("403 insufficient_scope: needs scope admin") == true)
        #expect(s.outcomes(of: "as mallory call GET /admin with at2").first?.hasSuffix("200 admin console") == true)
        let bobsToken = s.world.ledger.entry(id: "at2")!.value
        #expect(s.outcomes(of: "as mallory call GET /admin with \(bobsToken)").first?.hasSuffix("200 admin console") == true)
        let elsewhere = session(seed: 2)
        #expect(elsewhere.outcomes(of: "as mallory call GET /admin with \(bobsToken)").first?.contains("401 invalid_token") == true,
                "a pasted token is presented, and judged: another world's key does not verify it")
    }

    @Test func impossibleStepsAreOutcomesSoScriptsGoOn() throws {
        let run = try runScript("""
            as mallory refresh
            logout alice
            race tabs alice
            refresh alice
            login alice
            call alice GET /orders
            """)
        #expect(run.output.contains { $0.hasSuffix("mallory  refresh  refused step: mallory holds no refresh token; she holds: nothing") })
        #expect(run.output.contains { $0.hasSuffix("alice.browser  logout  refused step: alice is not logged in") })
        #expect(run.output.contains { $0.hasSuffix("alice.browser  race tabs  refused step: alice has one tab open (open alice opens another)") })
        #expect(run.output.last?.hasSuffix("200 3 orders") == true, "the script went on")
    }
}
