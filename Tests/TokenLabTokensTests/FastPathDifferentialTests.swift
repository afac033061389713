import Testing
import TokenLabCore
@testable import TokenLabTokens

/// The hot path reads plain tokens in place; everything else goes to the
/// strict parser. Whatever the input, both paths must reach the same
/// verdict, reason included: one validator, one verdict.
@Suite struct FastPathDifferentialTests {
    static let epoch: Int64 = 1_767_225_600
    static let key = HS256Key(kid: "k1", secret: Array("0123456789abcdef0123456789abcdef".utf8))

    static let headerMembers = [#""alg":"HS256""#, #""typ":"at+jwt""#, #""kid":"k1""#]
    static let payloadMembers = [
        #""iss":"https://auth""#, #""sub":"alice""#, #""aud":"https://api""#, #""exp":1767225900"#, #""iat":1767225600"#,
        #""jti":"j1""#, #""client_id":"app""#, #""role":"user""#, #""scope":"orders:read""#, #""sid":"s1""#,
    ]
    static let names = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "client_id", "sid", "role", "scope", "cnf", "crit",
                        "alg", "typ", "kid", "x", "a\\u0062c", "éxp"]
    static let values = [
        "0", "-0", "01", "-01", "1767225900", "1767225900.5", "1.7672259e9", "1767226000", "1767225000", "999999999999999999",
        "9223372036854775807", "-9223372036854775808", "99999999999999999999", "1e400", "-1e400", "1.", "-", "1e+", "12345678901234567",
        #""""#, #""x""#, #""https://api""#, #""https://auth""#, #""al\"ice""#, #""caf\u00e9""#, "\"caf\u{e9}\"", #""HS256""#,
        #""at+jwt""#, #""k1""#, "[]", #"["https://api"]"#, #"["x","https://api"]"#, #"["x",]"#, #"["x" "y"]"#, "[1]", "{}",
        #"{"jkt":"t"}"#, "true", "null", "nul", #""unterminated"#,
    ]

    /// A member list mutated a few times: values swapped, members dropped,
    /// repeated or added, raw bytes spliced in, the text cut short.
    static func mutate(_ members: [String], _ random: inout RandomStream) -> [UInt8] {
        var members = members
        for _ in 0...Int(random.next(below: 3)) {
            let pick = { (list: [String], random: inout RandomStream) in list[Int(random.next(below: UInt64(list.count)))] }
            switch random.next(below: 6) {
            case 0 where !members.isEmpty:
                let i = Int(random.next(below: UInt64(members.count)))
                let name = members[i].prefix(while: { $0 != ":" })
                members[i] = String(name) + ":" + pick(values, &random)
            case 1 where !members.isEmpty: members.remove(at: Int(random.next(below: UInt64(members.count))))
            case 2 where !members.isEmpty: members.append(pick(members, &random))
            case 3: members.append("\"" + pick(names, &random) + "\":" + pick(values, &random))
            default: break
            }
        }
        var bytes = Array(("{" + members.joined(separator: ",") + "}").utf8)
        switch random.next(below: 8) {
        case 0: bytes[Int(random.next(below: UInt64(bytes.count)))] = UInt8(random.next(below: 256))
        case 1: bytes.insert([0x20, 0x0A, 0xC3, 0xFF, 0x80, 0x2C, 0x22, 0x5C][Int(random.next(below: 8))],
                             at: Int(random.next(below: UInt64(bytes.count + 1))))
        case 2: bytes.removeLast(Int(random.next(below: 3)))
        default: break
        }
        return bytes
    }

    @Test func theFastPathReachesTheFullParsersVerdictOnMutatedTokens() {
        let fast = AccessTokenValidator(rules: ValidationRules(issuer: "https://auth", audience: "https://api", keys: [Self.key]))
        let full = AccessTokenValidator(rules: fast.rules)
        full.usesFastPath = false
        var random = RandomStream(seed: 7, name: "differential")
        var accepted = 0, refusedByFullParser = 0
        for round in 0..<6000 {
            let header = round % 5 == 0 ? mutateHeader(&random) : Array(("{" + Self.headerMembers.joined(separator: ",") + "}").utf8)
            let payload = Self.mutate(Self.payloadMembers, &random)
            let token = JWS.sign(headerBytes: header, payloadBytes: payload, key: Self.key)
            for at: Int64 in [0, 299_999, 300_000, 400_000] {
                let now = VirtualTime(milliseconds: at)
                let fastVerdict = fast.validate(token, now: now, epoch: Self.epoch)
                let fullVerdict = full.validate(token, now: now, epoch: Self.epoch)
                #expect(fastVerdict == fullVerdict, "seed 7 round \(round) at \(at): \(String(decoding: payload, as: UTF8.self))")
                if case .valid = fastVerdict { accepted += 1 }
                // What `decode` cannot read, no validator may accept.
                if (try? DecodedJWS(token)) == nil {
                    refusedByFullParser += 1
                    #expect(!fastVerdict.isValid, "seed 7 round \(round): decode cannot read it")
                }
            }
        }
        // The generator must reach both sides of the line to prove anything.
        #expect(accepted > 1000 && refusedByFullParser > 1000, "accepted \(accepted), unreadable \(refusedByFullParser)")
    }

    private func mutateHeader(_ random: inout RandomStream) -> [UInt8] {
        Self.mutate(Self.headerMembers, &random)
    }
}
