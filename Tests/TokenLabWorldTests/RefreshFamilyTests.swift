import Testing
import TokenLabCore
import TokenLabTokens
@testable import TokenLabWorld

/// The auth server keeps one hash per family and a short rotation history;
/// the tokens themselves say which family and generation they are.
@Suite struct RefreshFamilyTests {
    @Test func theHistoryRemembersTheLastEightRotationsOnly() {
        var history = RotationHistory()
        for generation in Int32(1)...20 {
            history.record(generation: generation, rotatedAt: VirtualTime(milliseconds: Int64(generation) * 1000),
                           expiresAt: VirtualTime(milliseconds: Int64(generation) * 5000))
        }
        #expect(history[20]?.rotatedAt == VirtualTime(milliseconds: 20_000))
        #expect(history[13]?.expiresAt == VirtualTime(milliseconds: 65_000))
        #expect(history[12] == nil, "nine rotations back: overwritten")
        #expect(history[0] == nil && history[21] == nil)
    }

    @Test func aFamilyCostsTheSameAfterAYearOfRefreshes() {
        #expect(MemoryLayout<RotationHistory>.size == RotationHistory.capacity * MemoryLayout<RotationHistory.Rotation>.stride)
        let s = session(preset: "bcp")  // rotation, idle 1h
        s.run("login alice")
        for _ in 0..<30 { s.run("advance 5m", "refresh alice") }
        #expect(s.world.auth.families.count == 1)
        #expect(s.world.auth.families[0].generation == 31)
    }

    @Test func everyEarlierTokenIsKnownAsRotatedAndItsReuseRevokesTheFamily() {
        let s = session(preset: "bcp")
        s.run("login alice")
        for _ in 0..<20 { s.run("advance 5m", "refresh alice") }
        let rt1 = s.world.ledger.entry(id: "rt1")!.value
        #expect(s.world.auth.refreshState(of: rt1, now: s.world.now) == .rotated, "twenty rotations later, still recognised")
        #expect(s.world.auth.refreshFacts(of: rt1) == nil, "its rotation time is no longer kept")
        #expect(s.world.refreshFacts(of: rt1)?.rotatedAt == s.world.ledger.entry(id: "rt2")!.issuedAt, "the ledger knows when")
        #expect(s.world.auth.refreshFacts(of: s.world.ledger.entry(id: "rt20")!.value)?.rotatedAt == s.world.ledger.entry(id: "rt21")!.issuedAt)
        let outcome = s.outcomes(of: "refresh alice rt1").first ?? ""
        #expect(outcome.contains("reuse detected: an earlier token of fam1, rotated more than 8 refreshes ago"), "\(outcome)")
        #expect(s.world.auth.familyIsRevoked(0))
    }

    /// Reuse detection revokes the refresh tokens (RFC 9700 §4.14.2). What it
    /// does to the access tokens already out depends on the API: checked
    /// locally they stay valid; with a denylist the grant takes them along
    /// (RFC 7009 §2.1); under introspection they turn inactive.
    @Test func reuseDetectionSaysWhatBecomesOfTheAccessTokensAlreadyOut() {
        for (setting, fate, secondCall) in [
            ("denylist off", "at1 at2 stay valid until they expire (local validation, no denylist)", "200"),
            ("denylist on", "at1 at2 denylisted", "401"),
        ] {
            let s = session(preset: "rotation")
            s.run("set \(setting)", "login alice", "steal refresh from alice via xss", "advance 1m", "refresh alice")
            let reuse = s.outcomes(of: "as mallory refresh").first { $0.hasPrefix("reuse of") } ?? ""
            #expect(reuse == "reuse of rt1 detected  family fam1 revoked: its refresh tokens are refused; " + fate, "\(setting): \(reuse)")
            let call = s.outcomes(of: "call alice GET /orders").first ?? ""
            #expect(call.contains(secondCall), "\(setting): \(call)")
        }
    }

    @Test func aRecentRotationIsNamedWithItsTime() {
        let s = session(preset: "bcp")
        s.run("login alice", "advance 5m", "refresh alice", "advance 5m", "refresh alice")
        let outcome = s.outcomes(of: "refresh alice rt2").first ?? ""
        #expect(outcome.contains("reuse detected: it was rotated at 00:10:00"), "\(outcome)")
    }

    @Test func aSealForAnotherGenerationOrFamilyIsNotAccepted() {
        let s = session(preset: "bcp")
        s.run("login alice")
        let refresh = s.world.ledger.entry(id: "rt1")!.value
        #expect(s.world.auth.unseal(refresh) == AuthServer.SealedRefresh(family: 0, generation: 1))
        var bytes = Base64URL.decode(refresh)!
        bytes[23] ^= 2  // generation 3 under generation 1's MAC
        #expect(s.world.auth.unseal(Base64URL.encode(bytes)) == nil, "the MAC covers the generation")
        #expect(s.world.auth.refreshState(of: Base64URL.encode(bytes), now: s.world.now) == .unknown)
    }
}
