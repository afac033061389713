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
                        "alg", "typ", "kid", "x", "a\\u0062c", "éxp", "expexpex", "client_i", "client_id_and_more", "ro\\u006ce"]
    static let values = [
        "0", "-0", "01", "-01", "1767225900", "1767225900.5", "1.7672259e9", "1767226000", "1767225000", "999999999999999999",
        "9223372036854775807", "-9223372036854775808", "99999999999999999999", "1e400", "-1e400", "1.", "-", "1e+", "12345678901234567",
        #""""#, #""x""#, #""https://api""#, #""https://auth""#, #""al\"ice""#, #""caf\u00e9""#, "\"caf\u{e9}\"", #""HS256""#,
        #""at+jwt""#, #""k1""#, "[]", #"["https://api"]"#, #"["x","https://api"]"#, #"["x",]"#, #"["x" "y"]"#, "[1]", "{}",
        #"{"jkt":"t"}"#, "true", "null", "nul", #""unterminated"#,
        // Long enough to be read eight bytes at a time.
        #""https://auth.tokenlab.test/a/long/path""#, #""https://auth.tokenlab\u002etest""#, "\"https://auth.tokenl\u{e9}b\"",
        "\"0123456789abcde\u{1}\"", #""0123456\"89abcdef""#, "\"01234567\u{7f}9abcdef\"", #""abcdefgh""#, #""abcdefg""#,
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

    /// The scanner reads strings and names eight bytes at a time: whatever
    /// ends or spoils one (a quote, an escape, a control character, UTF-8,
    /// DEL), at whatever offset within a word, both paths agree. An escape
    /// that spells the issuer's own character must be read as that character.
    @Test func aStopAnywhereInAWordIsReadAsTheFullParserReadsIt() {
        let issuer = "https://auth.tokenlab.test"
        let rules = ValidationRules(issuer: issuer, audience: "https://api", keys: [Self.key])
        let fast = AccessTokenValidator(rules: rules)
        let full = AccessTokenValidator(rules: rules)
        full.usesFastPath = false
        let header = Array(("{" + Self.headerMembers.joined(separator: ",") + "}").utf8)
        func escaped(_ byte: UInt8) -> [UInt8] { Array("\\u00".utf8) + Array(String(byte, radix: 16).utf8) }
        let spoilers: [(String, ([UInt8], Int) -> [UInt8])] = [
            ("escape", { text, at in Array(text.prefix(at)) + escaped(text[at]) + Array(text.dropFirst(at + 1)) }),
            ("escaped quote", { text, at in Array(text.prefix(at)) + [0x5C, 0x22] + Array(text.dropFirst(at)) }),
            ("early quote", { text, at in Array(text.prefix(at)) + [0x22] + Array(text.dropFirst(at)) }),
        ] + [0x01, 0x1F, 0x7F, 0xFF].map { byte in ("byte \(byte)", { text, at in Array(text.prefix(at)) + [byte] + Array(text.dropFirst(at)) }) }
            + [("é", { text, at in Array(text.prefix(at)) + [0xC3, 0xA9] + Array(text.dropFirst(at)) })]
        var accepted = 0, checked = 0
        for (name, spoil) in spoilers {
            for at in 0..<issuer.utf8.count {
                let value = spoil(Array(issuer.utf8), at)
                for member in ["iss", "role"] {
                    var payload = Array(#"{"sub":"alice","aud":"https://api","exp":1767225900,"iat":1767225600,"jti":"j1","client_id":"app","#.utf8)
                    payload += Array("\"\(member)\":\"".utf8) + value + Array(#"""#.utf8)
                    if member != "iss" { payload += Array(#","iss":"https://auth.tokenlab.test""#.utf8) }
                    payload += Array("}".utf8)
                    let token = JWS.sign(headerBytes: header, payloadBytes: payload, key: Self.key)
                    let now = VirtualTime(milliseconds: 0)
                    let verdict = fast.validate(token, now: now, epoch: Self.epoch)
                    #expect(verdict == full.validate(token, now: now, epoch: Self.epoch), "\(name) at \(at) in \(member)")
                    if verdict.isValid { accepted += 1 }
                    checked += 1
                }
            }
        }
        // Escapes, DEL and UTF-8 are valid JSON: some of these must pass, most must not.
        #expect(accepted > 0 && accepted < checked, "accepted \(accepted) of \(checked)")
    }

    private func mutateHeader(_ random: inout RandomStream) -> [UInt8] {
        Self.mutate(Self.headerMembers, &random)
    }
}
