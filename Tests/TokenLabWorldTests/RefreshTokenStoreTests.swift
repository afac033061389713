import Testing
import TokenLabCore
import TokenLabTokens
@testable import TokenLabWorld

@Suite struct RefreshTokenStoreTests {
    func record(_ words: (UInt64, UInt64, UInt64, UInt64)) -> RefreshRecord {
        RefreshRecord(hash: TokenHash(words: words), expiresAt: .zero, family: 0, generation: 1)
    }

    @Test func hashesSharingTheirFirst64BitsAreStillTellApart() {
        var store = RefreshTokenStore()
        let a = store.insert(record((7, 1, 1, 1)))
        let b = store.insert(record((7, 2, 2, 2)))
        #expect(store.slot(of: TokenHash(words: (7, 1, 1, 1))) == a)
        #expect(store.slot(of: TokenHash(words: (7, 2, 2, 2))) == b)
        #expect(store.slot(of: TokenHash(words: (7, 3, 3, 3))) == nil, "same prefix, different hash: unknown")
        store.remove(a)
        #expect(store.slot(of: TokenHash(words: (7, 1, 1, 1))) == nil)
        #expect(store.slot(of: TokenHash(words: (7, 2, 2, 2))) == b)
        let c = store.insert(record((9, 9, 9, 9)))
        #expect(c == a, "the freed slot is reused")
        #expect(store.slot(of: TokenHash(words: (9, 9, 9, 9))) == c)
        #expect(store.slot(of: TokenHash(words: (7, 1, 1, 1))) == nil, "a reused slot does not answer for its old hash")
    }

    @Test func rotatedRecordsArePrunedOnlyAfterTheyExpire() {
        let s = session(preset: "bcp")  // idle 1h
        s.run("login alice")
        for _ in 0..<20 { s.run("advance 5m", "refresh alice") }
        // 100 minutes of rotations every 5: the first ~8 have expired and are forgotten,
        // yet reuse of a recent rotated token is still detected.
        #expect(s.world.auth.refreshState(of: s.world.ledger.entry(id: "rt1")!.value, now: s.world.now) == .unknown)
        #expect(s.world.auth.refreshState(of: s.world.ledger.entry(id: "rt20")!.value, now: s.world.now) == .rotated)
        #expect(s.outcomes(of: "refresh alice rt20").first?.contains("reuse detected") == true)
    }
}
