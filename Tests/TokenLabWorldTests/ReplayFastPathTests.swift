import Foundation
import Testing
import TokenLabCore
import TokenLabTokens
@testable import TokenLabWorld

/// A replay reads lines, input records and command words by short cuts
/// that skip general machinery (grapheme breaking, the JSON parser). Each
/// short cut must give what the general way gives, or step aside.
@Suite struct ReplayFastPathTests {
    @Test func everyPlainInputOfTheBundledTracesReadsAsTheJSONParserReadsIt() throws {
        var read = 0
        for name in BundledTraceTests.names {
            let bytes = Array(try Data(contentsOf: BundledTraceTests.root.appendingPathComponent("Traces/\(name).jsonl")))
            for line in bytes.split(separator: 0x0A) where line.starts(with: TraceFile.inputPrefix) {
                let record = try JSONValue.parse(String(decoding: line, as: UTF8.self))
                guard let plain = TraceFile.plainInput(line) else {
                    #expect(record["error"] != nil || record["text"]?.stringValue?.contains { $0 == "\"" || $0 == "\\" } == true,
                            "\(name): a plain input was not read plainly: \(String(decoding: line, as: UTF8.self))")
                    continue
                }
                #expect(plain.text == record["text"]?.stringValue && Int64(plain.line) == record["line"]?.intValue)
                read += 1
            }
        }
        #expect(read > 200)
    }

    @Test func anythingButThePlainFormIsLeftToTheJSONParser() {
        let refused = [
            #"{"type":"input","line":01,"time":0,"text":"a"}"#, #"{"type":"input","line":0,"time":0,"text":"a"}"#,
            #"{"type":"input","line":-1,"time":0,"text":"a"}"#, #"{"type":"input","line":1,"time":-5,"text":"a"}"#,
            #"{"type":"input","line":1,"time":1.5,"text":"a"}"#, #"{"type":"input","line":99999999999,"time":0,"text":"a"}"#,
            #"{"type":"input","line":1,"time":0,"text":"a\"b"}"#, #"{"type":"input","line":1,"time":0,"text":"a"b"}"#,
            #"{"type":"input","line":1,"time":0,"text":"a","error":"x"}"#, #"{"type":"input","line":1,"time":0,"text":"a"} "#,
            #"{"type":"input","line":1,"time":0,"text":"a}"#, #"{"type":"input","line":1,"time":0,"text":["a"]}"#,
            #"{"type":"input", "line":1,"time":0,"text":"a"}"#, "{\"type\":\"input\",\"line\":1,\"time\":0,\"text\":\"a\tb\"}",
        ]
        for line in refused { #expect(TraceFile.plainInput(Array(line.utf8)[...]) == nil, "\(line)") }
        let invalid = Array(#"{"type":"input","line":1,"time":0,"text":""#.utf8) + [0xC0, 0x80] + Array(#""}"#.utf8)
        #expect(TraceFile.plainInput(invalid[...]) == nil)
        let accepted = TraceFile.plainInput(Array(#"{"type":"input","line":12,"time":0,"text":"call é ✓ /x"}"#.utf8)[...])
        #expect(accepted?.line == 12 && accepted?.text == "call é ✓ /x")
    }

    @Test func linesAreFoundAsSplittingFindsThem() {
        var random = RandomStream(seed: 7, name: "line ranges")
        let alphabet: [UInt8] = [0x0A, 0x0D, UInt8(ascii: "a"), UInt8(ascii: "{"), 0xC3, 0xA9]
        for _ in 0..<400 {
            var bytes = (0..<Int(random.next(below: 60))).map { _ in
                random.next(below: 4) == 0 ? alphabet[Int(random.next(below: UInt64(alphabet.count)))] : UInt8(ascii: "x")
            }
            bytes.append(0x0A)
            let expected = bytes.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false)
                .map { ($0.startIndex, $0.endIndex, $0.contains(0x0D)) }
            let found = TraceFile.lineRanges(bytes)
            #expect(found.map(\.start) == expected.map(\.0) && found.map(\.end) == expected.map(\.1)
                    && found.map(\.hasCarriageReturn) == expected.map(\.2), "\(bytes)")
        }
    }

    @Test func asciiLinesSplitIntoTheWordsGraphemesGive() {
        let lines = ["login alice", "  call  alice\tGET /orders  ", "call alice GET /x # a comment", "#only", "", " ", "\t\t",
                     "advance 16m#not a comment", "steal all from alice via xss #é ✓", "a # b c", "x\t#y"]
        for line in lines {
            let general = CommandParser.words(of: line).map(String.init)
            let ascii = CommandParser.asciiWords(of: line)
            #expect(ascii == nil ? line.utf8.contains { $0 >= 0x80 } : ascii == general, "\(line)")
        }
        #expect(CommandParser.asciiWords(of: "call alice GET /café") == nil)
    }

    @Test func theLedgerFindsTokensThatShareTheirLastBytesByTheirWholeValue() {
        var ledger = TokenLedger()
        let values = ["header.claims.SAME_END", "other.claims.SAME_END", "xSAME_END", "SAME_END", "short", "", "é✓.SAME_END"]
        let ids = values.map { ledger.add(.access, value: $0, owner: "alice", family: 0, issuedAt: .zero, expiresAt: .zero) }
        for (value, id) in zip(values, ids) { #expect(ledger.id(of: value) == id, "\(value)") }
        #expect(ledger.id(of: "third.claims.SAME_END") == nil && ledger.entry(value: "AME_END") == nil)
        // The same value minted again: the latest entry answers, as it did before.
        let again = ledger.add(.refresh, value: "other.claims.SAME_END", owner: "bob", family: 1, issuedAt: .zero, expiresAt: .zero)
        #expect(ledger.id(of: "other.claims.SAME_END") == again && ledger.entry(value: "other.claims.SAME_END")?.owner == "bob")
        #expect(ledger.id(of: "header.claims.SAME_END") == ids[0])
    }

    @Test func aReplayRemembersTheLinesItParsedButOnlySoMany() throws {
        let session = try Session(seed: 1, preset: "baseline")
        session.parsedLines = [:]
        _ = session.execute("login alice")
        _ = session.execute("call alice GET /orders")
        let again = session.execute("call alice GET /orders")
        #expect(again.events.count == 1 && session.parsedLines?["call alice GET /orders"] == .call(user: "alice", method: "GET", path: "/orders"))
        #expect(session.execute("lgoin alice").error != nil && session.parsedLines?["lgoin alice"] == nil, "a bad line is not kept")
        for milliseconds in 1...(Session.parsedLinesLimit + 10) { _ = session.execute("advance \(milliseconds)ms") }
        #expect(session.parsedLines?.count == Session.parsedLinesLimit)
        #expect(session.world.now.milliseconds >= Int64((Session.parsedLinesLimit + 10) * (Session.parsedLinesLimit + 11) / 2))
    }
}
