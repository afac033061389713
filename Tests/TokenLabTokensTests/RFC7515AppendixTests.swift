import Crypto
import Testing
import TokenLabCore
@testable import TokenLabTokens

/// RFC 7515 Appendix A.1: the HS256 example, reproduced byte for byte.
@Suite struct RFC7515AppendixTests {
    static let header = "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}"
    static let payload = "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}"
    static let k = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
    static let expected = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
        + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
        + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

    @Test func signingTheAppendixInputGivesTheAppendixToken() throws {
        let secret = try #require(Base64URL.decode(Self.k))
        let key = HS256Key(kid: "a1", secret: secret)
        let token = JWS.sign(headerBytes: Array(Self.header.utf8), payloadBytes: Array(Self.payload.utf8), key: key)
        #expect(token == Self.expected)
    }

    @Test func theAppendixTokenDecodesAndItsSignatureVerifies() throws {
        let decoded = try DecodedJWS(Self.expected)
        #expect(decoded.header["alg"] == .string("HS256"))
        #expect(decoded.payload["exp"]?.intValue == 1_300_819_380)
        #expect(decoded.payload["http://example.com/is_root"] == .bool(true))
        let key = HS256Key(kid: "a1", secret: try #require(Base64URL.decode(Self.k)))
        let input = Array(decoded.signingInput.utf8)
        let valid = input.withUnsafeBytes { i in decoded.signature.withUnsafeBytes { key.isValidSignature($0, for: i) } }
        #expect(valid)
        var flipped = decoded.signature
        flipped[31] ^= 1
        let forged = input.withUnsafeBytes { i in flipped.withUnsafeBytes { key.isValidSignature($0, for: i) } }
        #expect(!forged)
    }
}

@Suite struct Base64URLTests {
    @Test func roundTripsEveryLengthUpToSixtyFour() {
        var random = RandomStream(seed: 7, name: "test")
        for length in 0...64 {
            let bytes = random.bytes(length)
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(Base64URL.decode(text) == bytes, "length \(length)")
        }
    }

    @Test func theHotPathDecoderAgreesWithTheSimpleOne() {
        var random = RandomStream(seed: 11, name: "test")
        var samples = (0...70).map { Base64URL.encode(random.bytes($0)) }
        samples += ["YR", "YQ", "YWJ", "YWI", "a+b/", "abcde", "A", "", "____", "-_-_A"]
        for text in samples {
            let scratch = Array(text.utf8).withUnsafeBufferPointer { Base64URL.decodeScratch($0) { Array($0) } }
            #expect(scratch == Base64URL.decode(text), "\(text)")
        }
    }

    @Test func rejectsPaddingForeignCharactersAndImpossibleLengths() {
        #expect(Base64URL.decode("YQ==") == nil)
        #expect(Base64URL.decode("a+b/") == nil)
        #expect(Base64URL.decode("abcde") == nil)
        #expect(Base64URL.decode("YR") == nil, "non-zero leftover bits would give a second spelling of 'a'")
        #expect(Base64URL.decode("YQ") == [0x61])
    }
}

@Suite struct JSONTests {
    @Test func writesMembersInOrderWithoutEscapingSlashes() {
        let value = JSONValue.object(["z": .int(1), "a": .string("x/y\"\n"), "m": .array([.bool(true), .null])])
        #expect(value.text == #"{"z":1,"a":"x/y\"\n","m":[true,null]}"#)
    }

    @Test func parsesWhatItWrites() throws {
        let value = JSONValue.object(["s": .string("é\u{1}\\"), "n": .number("-12.5e3"), "o": .object(["k": .array([])])])
        #expect(try JSONValue.parse(value.text) == value)
    }

    @Test func rejectsBrokenInputWithAnOffset() {
        for text in ["", "{", "{\"a\":}", "[1,]", "01", "\"\\x\"", "{\"a\":1} x", String(repeating: "[", count: 100)] {
            #expect(throws: JSONParseError.self, "\(text)") { try JSONValue.parse(text) }
        }
    }
}
