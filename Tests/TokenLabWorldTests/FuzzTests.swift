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
}
