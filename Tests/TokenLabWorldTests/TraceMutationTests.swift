import Foundation
import Testing
import TokenLabCore
import TokenLabTokens
@testable import TokenLabWorld

/// A trace's digest line recomputed for edited contents: what someone who
/// edits a trace on purpose can always do, since the digest is not a signature.
func resealed(_ bytes: [UInt8]) -> [UInt8] {
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    if lines.last == [] { lines.removeLast() }
    guard let last = lines.last, String(decoding: last, as: UTF8.self).hasPrefix("{\"type\":\"digest\"") else { return bytes }
    let body = lines.dropLast().map { $0 + [0x0A] }.joined()
    let text = String(decoding: last, as: UTF8.self)
    let digest = sha256(String(decoding: Array(body), as: UTF8.self)).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    guard let range = text.range(of: #""sha256":"[0-9a-f]*""#, options: .regularExpression) else { return bytes }
    return Array(body) + Array(text.replacingCharacters(in: range, with: "\"sha256\":\"\(digest)\"").utf8) + [0x0A]
}

/// Thousands of damaged or edited traces: none crashes tokenlab, none is
/// called identical unless its bytes are, and every refusal names FILE:LINE.
@Suite struct TraceMutationTests {
    static let originals: [(name: String, bytes: [UInt8])] = ["demo", "stolen-refresh"].map { name in
        let url = BundledTraceTests.root.appendingPathComponent("Traces/\(name).jsonl")
        return ("Traces/\(name).jsonl", Array((try? Data(contentsOf: url)) ?? Data()))
    }

    /// Canonically equivalent or look-alike replacements that String
    /// comparison would wrongly treat as the same text.
    static let lookAlikes: [(String, String)] = [(";", "\u{037E}"), ("K", "\u{212A}"), ("A", "\u{0391}"), ("e", "e\u{0301}"),
                                                 (":", "\u{2236}"), ("-", "\u{2010}")]

    struct Mutator {
        var random: RandomStream

        mutating func pick(_ n: Int) -> Int { Int(random.next(below: UInt64(max(n, 1)))) }

        mutating func mutate(_ original: [UInt8]) -> (kind: String, bytes: [UInt8]) {
            var bytes = original
            var lines = original.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
            lines.removeLast()  // the empty piece after the final LF
            func joined(_ lines: [[UInt8]]) -> [UInt8] { lines.flatMap { $0 + [0x0A] } }
            switch pick(12) {
            case 0:
                let i = pick(bytes.count)
                bytes[i] ^= UInt8(1 << pick(8))
                return ("byte flip", bytes)
            case 1:
                return ("truncation", Array(bytes.prefix(pick(bytes.count))))
            case 2:
                lines.remove(at: pick(lines.count))
                return ("line deleted", joined(lines))
            case 3:
                let i = pick(lines.count)
                lines.insert(lines[i], at: i)
                return ("line duplicated", joined(lines))
            case 4:
                let i = pick(lines.count), j = pick(lines.count)
                lines.swapAt(i, j)
                return ("lines swapped", joined(lines))
            case 5:
                var text = String(decoding: bytes, as: UTF8.self)
                let swaps = [("\"time\":0", "\"time\":\"0\""), ("\"line\":", "\"line\":-"), ("\"seq\":1", "\"seq\":true"),
                             ("\"status\":200", "\"status\":\"200\""), ("\"text\":\"", "\"text\":[\""), ("\"seed\":1", "\"seed\":\"1\""),
                             ("\"kind\":\"request\"", "\"kind\":null"), ("\"type\":\"event\"", "\"type\":\"evnt\"")]
                let (from, to) = swaps[pick(swaps.count)]
                if let range = text.range(of: from) { text.replaceSubrange(range, with: to) }
                return ("field type", Array(text.utf8))
            case 6:
                var text = String(decoding: bytes, as: UTF8.self)
                let versions = ["0", "2", "\"1\"", "1.0", "-1", "99999999999999999999", "1e0"]
                text = text.replacingOccurrences(of: "\"version\":1", with: "\"version\":" + versions[pick(versions.count)])
                return ("version", Array(text.utf8))
            case 7:
                if pick(2) == 0 { return ("CRLF everywhere", lines.flatMap { $0 + [0x0D, 0x0A] }) }
                let i = pick(lines.count)
                lines[i].append(0x0D)
                return ("one CRLF", joined(lines))
            case 8:
                var text = String(decoding: bytes, as: UTF8.self)
                let (from, to) = TraceMutationTests.lookAlikes[pick(TraceMutationTests.lookAlikes.count)]
                let places = text.ranges(of: from)
                if !places.isEmpty { text.replaceSubrange(places[pick(places.count)], with: to) }
                return ("look-alike character", Array(text.utf8))
            case 9:
                let invalid: [[UInt8]] = [[0xFF], [0xC0, 0x80], [0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]]
                bytes.insert(contentsOf: invalid[pick(invalid.count)], at: pick(bytes.count))
                return ("invalid UTF-8", bytes)
            case 10:
                let endings: [[UInt8]] = [Array(bytes.dropLast()), bytes + [0x0A], bytes.dropLast() + [0x20, 0x0A], [0xEF, 0xBB, 0xBF] + bytes]
                return ("line ends and BOM", endings[pick(endings.count)])
            default:
                // Two mutations on top of each other.
                let first = mutate(original).bytes
                let usable = first.last == 0x0A && first.count { $0 == 0x0A } >= 2
                return ("double", mutate(usable ? first : original).bytes)
            }
        }
    }

    /// The replay's verdict on `bytes`, checked against the rules.
    static func check(_ bytes: [UInt8], original: [UInt8], name: String, kind: String) {
        let lineCount = bytes.count { $0 == 0x0A } + 1
        do {
            let replay = try TraceReplay.run(bytes: bytes, name: name)
            if replay.difference == nil && bytes != original {
                // A self-consistent edit (say `GET` typed `GeT`, resealed) is a
                // valid trace of its own. Check it with an independent reader:
                // its inputs, re-run, give exactly its bytes.
                #expect(independentlyReplayed(bytes) == bytes,
                        "a \(kind) mutant was called byte-identical: \(String(decoding: bytes, as: UTF8.self).prefix(300))")
            } else if let line = replay.difference?.line {
                #expect(line >= 1 && line <= lineCount + 1, "\(kind): difference at line \(line) of \(lineCount)")
            }
        } catch {
            let prefix = "\(name):"
            let number = error.message.dropFirst(prefix.count).prefix(while: \.isNumber)
            #expect(error.message.hasPrefix(prefix) && Int(number).map { $0 >= 1 && $0 <= lineCount } == true
                    && error.message.dropFirst(prefix.count + number.count).hasPrefix(": "),
                    "\(kind): a rejection must name FILE:LINE: \(error.message)")
            #expect(!error.message.contains("\n"), "one line: \(error.message)")
        }
    }

    /// The trace that the mutant's inputs produce, read with Foundation's
    /// JSON parser rather than tokenlab's.
    static func independentlyReplayed(_ bytes: [UInt8]) -> [UInt8]? {
        let lines = bytes.split(separator: 0x0A).map { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
        guard let header = lines.first ?? nil, let seed = (header["seed"] as? NSNumber)?.uint64Value,
              let preset = header["preset"] as? String, let session = try? Session(seed: seed, preset: preset) else { return nil }
        for case let record? in lines.dropFirst() {
            let type = record["type"] as? String
            // Narration is re-run as its `#` line, in file order with the inputs.
            guard type == "note" || (type == "input" && record["error"] == nil) else { continue }
            guard let text = record["text"] as? String, let line = (record["line"] as? NSNumber)?.intValue else { return nil }
            _ = session.execute(type == "note" ? (text.isEmpty ? "#" : "# " + text) : text, lineNumber: line)
        }
        return Array(session.trace.utf8)
    }

    @Test func fiveThousandMutantsNeitherCrashNorPassUnlessByteIdentical() {
        var mutator = Mutator(random: RandomStream(seed: 2026, name: "trace-mutants"))
        var kinds: [String: Int] = [:]
        for index in 0..<5000 {
            let (name, original) = Self.originals[index % Self.originals.count]
            var (kind, bytes) = mutator.mutate(original)
            // Some are re-sealed, so the digest does not catch them and the
            // replay's byte comparison has to (fewer: each one is a full replay).
            if index % 12 == 1 {
                bytes = resealed(bytes)
                kind += ", resealed"
            }
            kinds[kind, default: 0] += 1
            Self.check(bytes, original: original, name: name, kind: kind)
        }
        #expect(kinds.count >= 20, "every kind of mutation was drawn: \(kinds.keys.sorted())")
        #expect(kinds.values.reduce(0, +) == 5000)
    }

    @Test func theUnmutatedTracesAreAcceptedAndLookAlikesAreNot() throws {
        for (name, original) in Self.originals {
            #expect(try TraceReplay.run(bytes: original, name: name).difference == nil)
            let text = String(decoding: original, as: UTF8.self)
            for (from, to) in Self.lookAlikes {
                // Not inside narration: a replay re-runs a note as written, so an edited note replays as edited.
                guard let range = text.ranges(of: from).first(where: { place in
                    let start = text[..<place.lowerBound].lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
                    return !text[start...].hasPrefix(#"{"type":"note""#)
                }) else { continue }
                let altered = resealed(Array(text.replacingCharacters(in: range, with: to).utf8))
                let verdict = try? TraceReplay.run(bytes: altered, name: name)
                #expect(verdict == nil || verdict?.difference != nil, "\(from) → \(to) in \(name) passed as identical")
            }
        }
    }

    @Test func loadRefusesWhatReplayRefuses() {
        var mutator = Mutator(random: RandomStream(seed: 7, name: "load-mutants"))
        var refusedByBoth = 0
        for index in 0..<400 {
            let (name, original) = Self.originals[index % Self.originals.count]
            let bytes = mutator.mutate(original).bytes
            guard let text = String(validating: bytes, as: UTF8.self), text.hasPrefix("{") else { continue }
            guard (try? TraceFile.parse(bytes, name: name)) == nil else { continue }
            let session = try? Session(seed: 1, preset: "baseline")
            let result = session?.load(text: text, name: name)
            #expect(result?.error != nil, "load accepted a trace replay refuses: \(text.prefix(200))")
            #expect(session?.log.isEmpty == true, "a refused load changes nothing")
            refusedByBoth += 1
        }
        #expect(refusedByBoth > 100)
    }
}
