import TokenLabCore
import TokenLabTokens

/// What the attacker knows beyond the tokens she holds: signing keys, each
/// with where and when she got it (the formal tools' intruder knowledge),
/// and the stream her forgeries draw their `jti` from.
struct AttackerKnowledge {
    struct Key {
        let key: HS256Key
        /// "leaked from the auth server", "cracked from at3 (word list)".
        let how: String
        let at: VirtualTime
    }

    private(set) var keys: [Key] = []
    /// Her own stream, so her forgeries never shift anyone else's draws.
    var forgeIDs: RandomStream

    init(seed: UInt64) { forgeIDs = RandomStream(seed: seed, name: "mallory.forge") }

    /// The HMAC key she got last, the one a keyleak forgery signs with.
    var latestKey: Key? { keys.last }
    /// The key she cracked last, for `sign cracked`.
    var latestCracked: Key? { keys.last(where: { $0.how.hasPrefix("cracked") }) }

    func key(kid: String) -> Key? { keys.last(where: { $0.key.kid == kid }) }

    mutating func learn(_ key: HS256Key, how: String, at time: VirtualTime) {
        // The same secret learned twice is one piece of knowledge.
        if keys.contains(where: { $0.key.kid == key.kid && $0.key.secret == key.secret }) { return }
        keys.append(Key(key: key, how: how, at: time))
    }
}

extension World {
    /// The one place a signing key comes into the attacker's knowledge.
    func attackerLearns(_ key: HS256Key, how: String) {
        knowledge.learn(key, how: how, at: now)
    }

    /// A fresh `jti` for each forgery: two forgeries are two tokens, each
    /// followed on its own (RFC 7519 §4.1.7: unique per token).
    func freshForgeryID() -> String { Base64URL.encode(knowledge.forgeIDs.bytes(12)) }

    /// The keys she holds, for `sign KID` errors.
    var heldKeyNames: String {
        let held = knowledge.keys.map { "\($0.key.kid) (\($0.how))" } + ["\(RS256Key.lab.kid) (published in RS256Key.swift)"]
        return held.joined(separator: ", ")
    }

    /// The report's lines on the keys she holds and whether they still verify.
    func knowledgeLines() -> [String] {
        guard !knowledge.keys.isEmpty else { return [] }
        var lines = ["signing keys mallory holds:"]
        for held in knowledge.keys {
            let kid = held.key.kid
            var text = "   \(kid): \(held.how) at \(held.at.clockText); "
            if let retired = auth.retiredAt[kid] {
                text += "retired at \(retired.clockText): tokens signed with it are refused since [RFC 7517 §4.5]"
            } else if auth.keys.contains(where: { $0.kid == kid && $0.secret == held.key.secret }) {
                text += "still verifies: every token she signs with it is accepted until \(kid) is retired [RFC 7517 §4.5]"
            } else {
                text += "the auth server has no such key [RFC 7515 §4.1.4]"
            }
            lines.append(text)
        }
        return lines
    }
}
