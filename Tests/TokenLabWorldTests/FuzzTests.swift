import Testing
import TokenLabCore
@testable import TokenLabWorld

/// No line, however broken, crashes the interpreter or leaves a half-done
/// command: every line either succeeds or is one clean, one-line error.
@Suite struct FuzzTests {
    static let words = ["login", "call", "refresh", "logout", "revoke", "introspect", "advance", "until", "expires", "set",
                        "preset", "policy", "diff", "tokens", "decode", "keys", "status", "help", "alice", "bob", "mallory",
                        "GET", "POST", "/orders", "/admin", "/profile", "at1", "at2", "rt1", "rt2", "fam1", "5m", "250ms",
                        "30d", "0s", "-1s", "access.ttl", "refresh.rotation", "refresh.grace", "on", "off", "bcp",
                        "insecure", "alice.access", "alice.refresh", "#", "\t", "é", "\u{0}", "\u{7F}", "eyJ.eyJ.x", "1h30m",
                        "steal", "from", "via", "xss", "sniff", "device", "logs", "insider", "as", "wallet", "diagram",
                        "timeline", "undo", "history", "seed", "99", "all", "access", "refresh"]

    @Test func aHundredThousandRandomAndMutatedLines() throws {
        var random = RandomStream(seed: 2026, name: "fuzz")
        let s = try Session(seed: 1, preset: "rotation")
        for round in 0..<100_000 {
            if round % 400 == 0 { _ = s.execute("reset") } // keeps undo's replays short
            var line: String
            if random.next(below: 4) == 0 {
                // Raw bytes, including invalid UTF-8 (decoded with replacement characters, as a file read is).
                let bytes = (0..<Int(random.next(below: 40))).map { _ in UInt8(random.next(below: 256)) }
                line = String(decoding: bytes, as: UTF8.self)
            } else {
                let count = Int(random.next(below: 6))
                line = (0..<count).map { _ in Self.words[Int(random.next(below: UInt64(Self.words.count)))] }.joined(separator: " ")
                if random.next(below: 5) == 0, !line.isEmpty {
                    var scalars = Array(line.unicodeScalars)
                    scalars[Int(random.next(below: UInt64(scalars.count)))] = Unicode.Scalar(UInt8(random.next(below: 128)))
                    line = String(String.UnicodeScalarView(scalars))
                }
            }
            if line.hasPrefix("advance") { line = "advance 1m" } // keep the clock within a test's reach
            if random.next(below: 1000) == 0 { line = String(repeating: "x", count: 1 << 20) } // a 1 MB line
            let before = (s.world.now, s.world.events.count, s.world.policy)
            let result = s.execute(line)
            if let error = result.error {
                #expect(!error.message.isEmpty && !error.message.contains("\n"), "round \(round): \(line)")
                #expect(s.world.now == before.0 && s.world.events.count == before.1 && s.world.policy == before.2,
                        "round \(round): a refused line changed the world: \(line)")
            }
        }
    }

    /// Extreme values: no trap, no hang, no clock outside 0...1000 years.
    static let extremeLines = [
        "advance 999999999d", "advance 36500d", "advance 36500d", "advance 36525d", "advance 36526d", "advance 0ms",
        "advance 99999999999999999999999d", "advance 1d", "advance until alice.access expires", "advance until alice.refresh expires",
        "set latency 36500d", "set latency 36525d", "set latency 0s", "set latency 999999999d", "set access.ttl 36500d",
        "set access.ttl 0s", "set refresh.ttl 36500d", "set refresh.idle 36500d", "set refresh.grace 36500d", "set leeway 36500d",
        "set introspection.cache 36500d", "set client.refresh_ahead 36500d", "set client.refresh_ahead 1ms", "set validation introspection",
        "set dpop on", "set preset bcp", "set preset insecure", "seed 0", "seed 18446744073709551615", "seed 18446744073709551616",
        "diagram 10000", "diagram 10001", "diagram 0", "timeline", "tokens", "report", "status", "wallet mallory",
        "login alice", "login bob", "call alice GET /orders", "refresh alice", "as mallory call GET /orders", "as mallory refresh",
        "steal all from alice via xss", "forge keyleak from alice", "forge none from alice", "attack xss-once", "attack expired-replay bob",
        "race tabs alice", "introspect at1", "decode at1", "undo", "history",
    ]

    @Test(.timeLimit(.minutes(1))) func extremeDurationsSeedsAndSizesNeitherTrapNorHang() throws {
        var random = RandomStream(seed: 77, name: "fuzz.extremes")
        for seed in [0, UInt64.max] {
            let s = try Session(seed: seed, preset: "rotation")
            for round in 0..<400 {
                let line = Self.extremeLines[Int(random.next(below: UInt64(Self.extremeLines.count)))]
                let result = s.execute(line)
                if let error = result.error {
                    #expect(!error.message.isEmpty && !error.message.contains("\n"), "seed \(seed) round \(round): \(line)")
                }
                #expect(s.world.now >= .zero && s.world.now <= World.latestTime, "seed \(seed) round \(round): \(line)")
            }
        }
    }
}

