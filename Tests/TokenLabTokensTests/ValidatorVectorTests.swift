import Testing
import TokenLabCore
@testable import TokenLabTokens

/// Test vectors for the validator's structural rules (RFC 7515, RFC 7519,
/// RFC 9068, RFC 8259): each token is written byte by byte, signed with the
/// right key, so only the rule under test can refuse it.
@Suite struct ValidatorVectorTests {
    static let epoch: Int64 = 1_767_225_600
    static let key = HS256Key(kid: "k1", secret: Array("0123456789abcdef0123456789abcdef".utf8))
    static let header = #"{"alg":"HS256","typ":"at+jwt","kid":"k1"}"#

    /// RFC 9068 §2.2's claims, `exp` five minutes after the epoch, with
    /// `without` dropping one member and `extra` appended after the others.
    static func claims(exp: String = "1767225900", without: String? = nil, extra: String = "") -> String {
        let members = [
            #""iss":"https://auth""#, #""sub":"alice""#, #""aud":"https://api""#, #""exp":\#(exp)"#, #""iat":1767225600"#,
            #""jti":"j1""#, #""client_id":"app""#, #""role":"user""#, #""scope":"orders:read""#,
        ]
        let kept = members.filter { without == nil || !$0.hasPrefix("\"\(without!)\":") }
        return "{" + kept.joined(separator: ",") + extra + "}"
    }

    static func token(header: String = header, payload: String) -> String { token(header: Array(header.utf8), payload: Array(payload.utf8)) }

    static func token(header: [UInt8], payload: [UInt8]) -> String { JWS.sign(headerBytes: header, payloadBytes: payload, key: key) }

    static func validator(fastPath: Bool = true, _ configure: (inout ValidationRules) -> Void = { _ in }) -> AccessTokenValidator {
        var rules = ValidationRules(issuer: "https://auth", audience: "https://api", keys: [key])
        configure(&rules)
        let validator = AccessTokenValidator(rules: rules)
        validator.usesFastPath = fastPath
        return validator
    }

    /// The verdict `ms` milliseconds after the epoch, checked to be the same on the full path.
    func verdict(_ token: String, at ms: Int64 = 0, _ configure: (inout ValidationRules) -> Void = { _ in }) -> ValidationVerdict {
        let now = VirtualTime(milliseconds: ms)
        let fast = Self.validator(configure).validate(token, now: now, epoch: Self.epoch)
        let full = Self.validator(fastPath: false, configure).validate(token, now: now, epoch: Self.epoch)
        #expect(fast == full, "fast and full paths disagree on \(token)")
        return fast
    }

    func rejection(_ token: String, at ms: Int64 = 0) -> TokenRejection? {
        if case .rejected(let rejection) = verdict(token, at: ms) { return rejection }
        return nil
    }

    @Test func theVectorsBaseTokenIsValid() {
        #expect(verdict(Self.token(payload: Self.claims())).isValid)
    }

    // MARK: crit (RFC 7515 §4.1.11)

    @Test func aCritHeaderNamingAnUnknownExtensionIsRefused() {
        let header = #"{"alg":"HS256","typ":"at+jwt","kid":"k1","crit":["x-policy"],"x-policy":"mfa"}"#
        let refused = rejection(Self.token(header: header, payload: Self.claims()))
        #expect(refused == .criticalHeader(#"crit names "x-policy", not understood here"#))
        #expect(refused?.rule == "RFC 7515 §4.1.11")
    }

    @Test func aCritThatIsNotANonEmptyListOfNamesIsRefusedToo() {
        for crit in ["[]", #""b64""#, "[5]", "{}", "null"] {
            let header = #"{"alg":"HS256","typ":"at+jwt","kid":"k1","crit":\#(crit)}"#
            let refused = rejection(Self.token(header: header, payload: Self.claims()))
            #expect(refused?.code == "crit", "crit \(crit): \(String(describing: refused))")
        }
    }

    // MARK: Duplicate names (RFC 7515 §4, RFC 7519 §4)

    @Test func aRepeatedClaimIsRefusedWhicheverValueALibraryWouldKeep() {
        let refused = rejection(Self.token(payload: Self.claims(extra: #","exp":"never""#)))
        #expect(refused == .duplicateMember("exp", inHeader: false))
        #expect(refused?.rule == "RFC 7519 §4")
        #expect(rejection(Self.token(payload: Self.claims(extra: #","x":1,"x":2"#))) == .duplicateMember("x", inHeader: false))
        #expect(rejection(Self.token(payload: Self.claims(extra: #","client_id":"app""#))) == .duplicateMember("client_id", inHeader: false))
    }

    @Test func aRepeatedHeaderParameterIsRefused() {
        let header = #"{"alg":"HS256","typ":"at+jwt","kid":"k1","alg":"none"}"#
        let refused = rejection(Self.token(header: header, payload: Self.claims()))
        #expect(refused == .duplicateMember("alg", inHeader: true))
        #expect(refused?.rule == "RFC 7515 §4")
    }

    // MARK: NumericDate (RFC 7519 §2)

    @Test func aFractionalExpIsANumericDateComparedToTheMillisecond() {
        let token = Self.token(payload: Self.claims(exp: "1767225900.5"))
        #expect(verdict(token, at: 300_499).isValid)
        #expect(verdict(token, at: 300_500) == .rejected(.expired(ago: .zero)))
        guard case .valid(let claims) = verdict(token) else { Issue.record("refused"); return }
        #expect(claims.expiresAt == 1_767_225_901, "rounded up: by then it has certainly expired")
        let exponent = Self.token(payload: Self.claims(exp: "1.7672259E9"))
        #expect(verdict(exponent, at: 299_999).isValid)
        #expect(verdict(exponent, at: 300_000) == .rejected(.expired(ago: .zero)))
    }

    @Test func aNumericDateWrittenAsAStringIsRefusedNotIgnored() {
        let futureNotBefore = Self.token(payload: Self.claims(extra: #","nbf":"1767229200""#))
        #expect(rejection(futureNotBefore) == .notNumericDate("nbf"))
        #expect(rejection(futureNotBefore)?.rule == "RFC 7519 §2, §4.1.5")
        #expect(rejection(Self.token(payload: Self.claims(exp: #""never""#))) == .notNumericDate("exp"))
        #expect(rejection(Self.token(payload: Self.claims(exp: "true"))) == .notNumericDate("exp"))
        #expect(rejection(Self.token(payload: Self.claims(extra: #","nbf":[1]"#))) == .notNumericDate("nbf"))
    }

    @Test func aFutureNotBeforeAsAFloatIsHonoured() {
        let token = Self.token(payload: Self.claims(extra: #","nbf":1767225660.25"#))
        #expect(verdict(token, at: 60_249) == .rejected(.notYetValid(for: .milliseconds(1))))
        #expect(verdict(token, at: 60_250).isValid)
    }

    // MARK: Required claims (RFC 9068 §2.2)

    @Test func eachRequiredClaimMissingIsNamed() {
        for name in ["iss", "exp", "aud", "sub", "client_id", "iat", "jti"] {
            let refused = rejection(Self.token(payload: Self.claims(without: name)))
            #expect(refused == .missingClaim(name), "without \(name)")
            #expect(refused?.rule == "RFC 9068 §2.2")
        }
        #expect(rejection(Self.token(payload: Self.claims(without: "sub", extra: #","sub":5"#))) == .missingClaim("sub"))
        #expect(rejection(Self.token(payload: Self.claims(without: "aud", extra: #","aud":["https://api",5]"#))) == .missingClaim("aud"))
    }

    // MARK: One strict reading of JSON (RFC 8259, RFC 7519 §7.2)

    @Test func aLeadingZeroIsInvalidJSONForTheValidatorAndForDecode() throws {
        let token = Self.token(payload: Self.claims(exp: "01767225900"))
        guard case .malformed(let why) = rejection(token) else { Issue.record("accepted \(token)"); return }
        #expect(why.contains("leading zero"))
        #expect(throws: DecodedJWS.FormatError.self) { try DecodedJWS(token) }
    }

    @Test func invalidUTF8InTheClaimsOrTheHeaderIsRefusedEverywhere() {
        var payload = Array(Self.claims().utf8)
        let alice = payload.firstIndex(of: UInt8(ascii: "l"))!
        payload[alice] = 0xC3 // "a\u{C3}ice": a lead byte without its continuation
        let badClaims = Self.token(header: Array(Self.header.utf8), payload: payload)
        guard case .malformed(let why) = rejection(badClaims) else { Issue.record("accepted invalid UTF-8 claims"); return }
        #expect(why.contains("UTF-8"))
        #expect(throws: DecodedJWS.FormatError.self) { try DecodedJWS(badClaims) }

        var header = Array(Self.header.utf8)
        header[header.firstIndex(of: UInt8(ascii: "k"))!] = 0xFF
        let badHeader = Self.token(header: header, payload: Array(Self.claims().utf8))
        guard case .malformed = rejection(badHeader) else { Issue.record("accepted invalid UTF-8 header"); return }
        #expect(throws: DecodedJWS.FormatError.self) { try DecodedJWS(badHeader) }
    }

    @Test func trailingCommasAreInvalidJSON() {
        #expect(rejection(Self.token(payload: Self.claims(without: "aud", extra: #","aud":["https://api",]"#)))?.code == "malformed")
        #expect(rejection(Self.token(payload: Self.claims(extra: ",")))?.code == "malformed")
    }

    // MARK: Any Int64, or more, without a trap

    @Test func aFarFutureExpIsATokenThatExpiresFarInTheFuture() {
        for exp in ["999999999999999999", "9223372036854775807", "99999999999999999999999", "1e400"] {
            let token = Self.token(payload: Self.claims(exp: exp))
            guard case .valid(let claims) = verdict(token, at: 86_400_000 * 365) else { Issue.record("exp \(exp) refused"); continue }
            #expect(claims.expiresAt > Self.epoch + 86_400 * 365 * 1000, "exp \(exp)")
            // At the very end of virtual time, with a leeway on top: a verdict, not a trap.
            guard case .rejected(.expired) = verdict(token, at: .max, { $0.leeway = .days(30) }) else { Issue.record("exp \(exp) at the end"); continue }
        }
    }

    @Test func aFarPastExpOrFarFutureNotBeforeIsRefusedWithoutATrap() {
        for exp in ["-999999999999999999", "-9223372036854775808", "-1e400"] {
            #expect(rejection(Self.token(payload: Self.claims(exp: exp)), at: .min)?.code == "expired", "exp \(exp)")
        }
        let never = Self.token(payload: Self.claims(exp: "1e30", extra: #","nbf":999999999999999999"#))
        #expect(rejection(never)?.code == "nbf")
        let hugeIssuedAt = Self.token(payload: Self.claims(without: "iat", extra: #","iat":99999999999999999999"#))
        #expect(verdict(hugeIssuedAt).isValid)
    }

    @Test func virtualTimeArithmeticSaturatesInsteadOfTrapping() {
        #expect(VirtualTime.fromUnixSeconds(999_999_999_999_999_999, epoch: Self.epoch) == .latest)
        #expect(VirtualTime.fromUnixSeconds(.min, epoch: Self.epoch) == .earliest)
        #expect(VirtualTime.latest + .days(1) == .latest)
        #expect((VirtualTime.latest - VirtualTime.earliest).milliseconds == .max)
        #expect((VirtualTime.earliest - VirtualTime.latest).milliseconds == .min)
        #expect(VirtualTime.fromUnixSeconds(Self.epoch + 300, epoch: Self.epoch) == VirtualTime(milliseconds: 300_000))
    }

    @Test func numericDatesAreReadExactlyAndRoundedUpToTheMillisecond() {
        let cases: [(String, Int64?)] = [
            ("0", 0), ("-0", 0), ("1", 1000), ("1.5", 1500), ("1.0005", 1001), ("-1.0005", -1000), ("1e3", 1_000_000),
            ("1E-3", 1), ("1e-4", 1), ("-1e-4", 0), ("0.001", 1), ("12.34e1", 123_400), ("1e400", .max), ("-1e400", .min),
            ("9223372036854775807", .max), ("01", nil), ("1.", nil), (".5", nil), ("+1", nil), ("1e", nil), ("", nil), ("-", nil),
        ]
        for (text, expected) in cases {
            #expect(NumericDate.unixMilliseconds(jsonNumber: text) == expected, "\(text)")
        }
    }
}
