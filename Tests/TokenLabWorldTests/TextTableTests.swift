import Testing
@testable import TokenLabWorld

/// Tables narrow to a width by wrapping cells at word boundaries; lines wrap with a hanging indent.
@Suite struct TextTableTests {
    static let header = ["key", "what it does", "rule"]
    static let rows = [["access.ttl", "lifetime of an access token, after which the API refuses it", "RFC 9700 §4.14"],
                       ["tls", "the link is TLS", "RFC 6819 §5.1.1"]]

    @Test func aTableThatFitsIsDrawnAsBefore() {
        let plain = TextTable.render(header: Self.header, rows: Self.rows)
        #expect(TextTable.render(header: Self.header, rows: Self.rows, width: 200) == plain)
        #expect(plain[1] == "access.ttl  lifetime of an access token, after which the API refuses it  RFC 9700 §4.14")
    }

    @Test func aWideTableWrapsItsCellsUnderThemselves() {
        let lines = TextTable.render(header: Self.header, rows: Self.rows, width: 50)
        #expect(lines.allSatisfy { $0.count <= 50 }, "\(lines)")
        #expect(lines[1] == "access.ttl  lifetime of an access  RFC 9700 §4.14")
        #expect(lines[2] == "            token, after which")
        #expect(lines[3] == "            the API refuses it")
        #expect(lines[4] == "tls         the link is TLS        RFC 6819 §5.1.1")
    }

    @Test func aLongLineWrapsAtWordsWithAHangingIndentKeepingItsSpacing() {
        let event = "00:15:00.020  alice.browser -> api  GET /orders  Bearer at1  401 invalid_token: expired 20ms ago  [RFC 7519 §4.1.4]"
        let lines = TextWrap.fitted(event, width: 60)
        #expect(lines == ["00:15:00.020  alice.browser -> api  GET /orders  Bearer at1",
                          "              401 invalid_token: expired 20ms ago  [RFC 7519",
                          "              §4.1.4]"])
        #expect(TextWrap.fitted("   " + String(repeating: "x", count: 70), width: 40).allSatisfy { $0.count <= 40 }, "a word longer than the line is cut")
        #expect(TextWrap.fitted("short", width: 40) == ["short"])
    }
}
