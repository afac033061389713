import Testing
import TokenLabCore
@testable import TokenLabWorld

/// Undo and rewind restore a checkpoint and replay what followed it. The
/// world is deterministic, so that must equal a fresh replay byte for byte.
@Suite struct CheckpointTests {
    /// Lines of the command language that change the world in many ways;
    /// some fail in some states, which is part of the test.
    static let vocabulary = [
        "login alice", "login bob", "call alice GET /orders", "call bob GET /admin", "call alice GET /profile",
        "refresh alice", "refresh bob", "refresh alice rt1", "logout alice", "logout bob", "revoke rt2", "introspect at1",
        "advance 1m", "advance 16m", "advance 2h", "advance until alice.access expires", "advance until bob.refresh expires",
        "steal all from alice via xss", "steal refresh from bob via sniff", "steal all from alice via silent",
        "steal access from bob via logs", "as mallory call GET /orders", "as mallory call GET /admin", "as mallory refresh",
        "set refresh.rotation on", "set refresh.reuse_detection on", "set refresh.grace 2s", "set dpop on", "set storage cookie",
        "set validation introspection", "set introspection.cache 30s", "set denylist on", "set latency 0s", "set latency 150ms",
        "set preset bcp", "set preset insecure", "set preset dpop", "set preset rotation", "set tls off",
        "set client.token_in_query on", "steal access from alice via sniff", "steal access from alice via logs",
        "steal code from alice via intercept", "steal code from bob via logs", "as mallory redeem", "set login.pkce off",
        "set login.flow password", "set login.flow code",
        "forge tamper from alice", "forge keyleak from alice", "forge none from bob", "forge confusion from alice",
        "attack xss-once", "attack race-two-tabs bob", "attack csrf", "attack key-leak",
        "keys rotate", "keys retire k1", "race tabs alice", "race lost bob", "race logout alice",
        "ride alice GET /orders", "csrf alice POST /orders", "tokens", "status", "report", "wallet mallory",
        "forge edit at1 role=admin scope+=admin", "forge edit alice sub=bob sign none", "forge edit at2 role=admin sign cracked",
        "forge edit at1 exp=+1d sign k1", "forge edit bob sign guess secret", "crack at1", "crack alice", "crack bob",
        "set keys.secret weak", "set keys.secret strong", "signup mallory", "login mallory", "keys retire rsa1",
        "admin revoke alice", "admin revoke bob", "password alice", "password bob", "set signing RS256", "set signing HS256",
        "set preset spa", "reload alice", "reload bob", "ride alice refresh", "csrf alice POST /token", "set cookie.samesite none",
        "set storage.access memory", "set storage.refresh cookie", "set cookie.path /", "set cookie.secure off", "attack xss-refresh-via-cookie",
        // Stepping commands outside stepping: refused, and nothing changes.
        "step", "back", "goto 2", "goto 00:15:00", "run",
        "theme contrast", "theme plain",
    ]

    static func randomLines(_ count: Int, _ random: inout RandomStream) -> [String] {
        (0..<count).map { _ in vocabulary[Int(random.next(below: UInt64(vocabulary.count)))] }
    }

    /// What a learner can look at: every view of the world, and the trace.
    static func views(_ session: Session) -> [String] {
        let world = session.world
        var lines = [session.trace, "now \(world.now.clockText)", "\(world.counters)"]
        lines += world.tokenTable() + world.reportLines() + world.statusLines() + world.keysText()
        lines += world.timelineLines(width: 100, colors: false) + world.diagramLines(count: 40, width: 100, colors: false)
        lines += (try? world.walletLines(of: "mallory")) ?? []
        return lines
    }

    /// A session that ran `lines` once each, in order: what undo must reproduce.
    static func freshReplay(of lines: [String], seed: UInt64, preset: String) throws -> Session {
        let session = try Session(seed: seed, preset: preset)
        for line in lines { _ = session.execute(line) }
        return session
    }

    @Test func undoAndRewindEqualAFreshReplayForManyRandomSessions() throws {
        for round in 0..<8 {
            let seed = UInt64(round) &* 0x9E37_79B9 &+ 5
            var random = RandomStream(seed: seed, name: "checkpoint-property")
            let preset = Policy.presetNames[round % Policy.presetNames.count]
            let s = try Session(seed: seed, preset: preset)
            for line in Self.randomLines(110, &random) { _ = s.execute(line) }
            #expect(s.checkpoints.all.count > 1, "seed \(seed): long enough to take checkpoints")

            // Undo far enough to cross checkpoints, mixed with rewinds and new lines.
            for step in 0..<6 {
                switch random.next(below: 3) {
                case 0: for _ in 0..<Int(random.next(below: 40)) { _ = s.execute("undo") }
                case 1: try s.rewind(toCommandCount: Int(random.next(below: UInt64(s.commandCount + 1))))
                default: for line in Self.randomLines(Int(random.next(below: 30)), &random) { _ = s.execute(line) }
                }
                let fresh = try Self.freshReplay(of: s.log, seed: seed, preset: preset)
                #expect(Self.views(s) == Self.views(fresh), "seed \(seed), step \(step): views differ from a fresh replay")
                #expect(deepState(s.world) == deepState(fresh.world), "seed \(seed), step \(step): hidden state differs")
                // The hidden state (random streams, queue, caches) must match too: carry on alike.
                let more = Self.randomLines(8, &random)
                for line in more { #expect(s.execute(line).error == fresh.execute(line).error, "seed \(seed): \(line)") }
                #expect(s.trace == fresh.trace, "seed \(seed), step \(step): the traces part after \(more)")
            }
        }
    }

    @Test func aSnapshotSharesNothingMutableWithTheLiveWorld() throws {
        // Touches every kind of state: caches, the denylist, proofs seen, revoked families, keys, loot.
        let opening = ["set preset introspection", "set dpop on", "login alice", "login bob", "call alice GET /orders",
                       "call bob GET /orders", "steal all from alice via xss", "logout bob", "keys rotate", "as mallory call GET /orders",
                       "set tls off", "set client.token_in_query on", "call alice GET /orders", "keys retire k1", "set denylist on",
                       "logout alice"]
        let live = try Self.freshReplay(of: opening, seed: 4, preset: "rotation")
        let copy = live.world.snapshot()
        #expect(copy.auth !== live.world.auth && copy.api !== live.world.api)
        #expect(copy.auth.validator !== live.world.auth.validator && copy.api.validator !== live.world.api.validator)
        #expect(zip(copy.clients, live.world.clients).allSatisfy { $0 !== $1 })
        let twin = try Self.freshReplay(of: opening, seed: 4, preset: "rotation")
        let seen = Self.views(twin)
        let hidden = deepState(twin.world)
        #expect(deepState(copy) == hidden, "a copy holds every piece of state")

        // The live world moves on in every way it can; the copy must not notice.
        for line in ["as mallory refresh", "call alice GET /orders", "keys rotate", "advance 1h", "logout alice", "set preset bcp",
                     "login alice", "forge keyleak from alice", "attack xss-once bob"] {
            _ = live.execute(line)
        }
        let copySession = try Session(seed: 4, preset: "rotation")
        copySession.install(copy)
        copySession.recorder = twin.recorder
        #expect(Self.views(copySession) == seen && deepState(copy) == hidden)

        // And the copy runs on exactly as the world it was taken from would have.
        for line in ["as mallory refresh", "call alice GET /orders", "race tabs alice", "advance 20m", "call alice GET /orders"] {
            #expect(copySession.execute(line).events == twin.execute(line).events, "\(line)")
        }
    }

    @Test func checkpointsStayFewAsTheSessionGrows() throws {
        let s = try Session(seed: 1, preset: "rotation")
        let cycle = ["login alice", "call alice GET /orders", "advance 5m", "refresh alice", "call bob GET /orders"]
        for index in 0..<3000 { _ = s.execute(cycle[index % cycle.count]) }
        let counts = s.checkpoints.all.map(\.changedCount)
        #expect(counts.first == 0 && counts.count <= Checkpoints.recentKept + 3000 / Checkpoints.sparseInterval + 1, "\(counts)")
        #expect(counts.last == 2976, "the newest is at most one interval back")
        try s.rewind(toCommandCount: 700)
        #expect(s.checkpoints.all.last?.changedCount == 672, "replaying laid down dense checkpoints again")
        #expect(throws: CommandError("rewind: 701 is not a command count from 0 to 700")) { try s.rewind(toCommandCount: 701) }
    }
}
