import Foundation
import Testing
import TokenLabTokens
@testable import TokenLabWorld

/// `show --as diagram` and `--as html`: the terminal diagram that draws the
/// attack and fits the width, and the self-contained page for a classroom.
@Suite struct ExportTests {
    @Test(arguments: BundledTraceTests.names)
    func theTerminalDiagramFitsEveryWidth(name: String) throws {
        let view = try TraceViewTests.view(name)
        for width in [40, 80, 132] {
            let lines = view.render(as: .diagram, width: width)
            let wide = lines.filter { $0.count > width }
            #expect(wide.isEmpty, "\(name) at \(width) columns: \(wide.first ?? "")")
        }
    }

    @Test func theTerminalDiagramDrawsTheTheftTheRefusalAndTheReuse() throws {
        let lines = try TraceViewTests.view("stolen-refresh").render(as: .diagram, width: 80)
        #expect(lines.first?.contains("mallory") == true, "mallory is a lifeline: \(lines.first ?? "")")
        #expect(lines.contains { $0.contains("━━ xss: rt1 ━━▶") }, "the theft is an arrow into mallory")
        #expect(lines.contains { $0.contains("✗ 401 invalid_token") }, "a refusal is marked")
        #expect(lines.contains { $0.contains("▌auth: reuse of rt1 detected: family fam1 revoked") }, "reuse detection is a note on auth")
        #expect(lines.contains("# XSS steals alice's tokens; rotation with reuse detection catches it,"), "narration is kept")
    }

    @Test func rideIsMallorysRequestSentThroughTheBrowser() throws {
        let view = try TraceViewTests.view(ofScript: "set storage cookie\nlogin alice\nride alice GET /orders\n")
        let model = SequenceModel(view)
        let relay = try #require(model.entries.firstIndex { if case .message(_, _, _, .relay, _) = $0.item { true } else { false } })
        #expect(model.entries[relay].item == .message(from: "mallory", to: "alice.browser", text: "script: GET /orders  Cookie at1", style: .relay, refused: false))
        guard case .message(let from, "api", _, .request, _) = model.entries[relay + 1].item else {
            Issue.record("the browser sends it on: \(model.entries[relay + 1])")
            return
        }
        #expect(from == "alice.browser")
        #expect(view.render(as: .diagram, width: 80).contains { $0.contains("via browser: script: GET /orders") })
    }

    @Test func theReplsDiagramDrawsMallorysTheftToo() throws {
        let session = try Session()
        for line in ["login alice", "steal refresh from alice via xss", "as mallory refresh"] { #expect(session.execute(line).error == nil) }
        let lines = session.execute("diagram").output
        #expect(lines.contains { $0.contains("xss: rt1") && $0.contains("▶") }, "\(lines)")
        #expect(lines.allSatisfy { $0.count <= 80 })
    }

    /// The page's own markup, with the embedded trace data cut out (that may quote anything).
    static func code(of page: String) throws -> (code: String, data: String) {
        let open = #"<script type="application/json" id="trace-data">"#
        let start = try #require(page.range(of: open))
        let end = try #require(page.range(of: "</script>", range: start.upperBound..<page.endIndex))
        return (String(page[..<start.upperBound]) + String(page[end.lowerBound...]), String(page[start.upperBound..<end.lowerBound]))
    }

    @Test(arguments: BundledTraceTests.names)
    func theHtmlPageIsSelfContainedAndCarriesTheTrace(name: String) throws {
        let view = try TraceViewTests.view(name)
        let page = view.render(as: .html).joined(separator: "\n")
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.utf8.count < 500_000, "\(name): \(page.utf8.count) bytes")
        let (code, data) = try Self.code(of: page)
        for needle in ["http:", "https:", "src=", "href=", "url(", "@import", "<link", "<img", "<iframe"] where code.contains(needle) {
            Issue.record("\(name): the page's code contains \(needle): it must fetch nothing")
        }
        let json = try JSONValue.parse(data)
        let steps = view.entries.filter { if case .event = $0 { false } else { true } }.count
        guard case .array(let pageSteps)? = json["steps"], case .array(let times)? = json["times"], case .array(let outcomes)? = json["outcomes"] else {
            Issue.record("\(name): steps, times and outcomes are arrays")
            return
        }
        #expect(pageSteps.count == steps + 1 && times.count == steps + 1, "\(name): a step 0 and one per input or note")
        #expect(outcomes.count == view.outcomes.count)
        #expect(json["replay"] == .null, "\(name): this tokenlab reproduces the trace, so the page needs no warning")
    }

    @Test func narrationCannotEndTheScriptElement() throws {
        let hostile = "</script><script>alert(1)</script> <!-- &"
        let view = try TraceViewTests.view(ofScript: "# \(hostile)\nlogin alice\n")
        let page = view.render(as: .html).joined(separator: "\n")
        let (_, data) = try Self.code(of: page)
        #expect(!data.contains("<") && !data.contains(">") && !data.contains("&"))
        #expect(HTMLPage.scriptSafe("[\"a\u{2028}b</script>\u{2029}é€\"]") == #"["a\u2028b\u003c/script\u003e\u2029é€"]"#,
                "JavaScript's old line ends are escaped too, other characters kept")
        let json = try JSONValue.parse(data)
        guard case .array(let steps)? = json["steps"] else { Issue.record("steps"); return }
        #expect(steps[1]["text"]?.stringValue == hostile, "the escapes mean the same characters")
        #expect(page.components(separatedBy: "</script>").count == 3, "only the page's own two script elements end")
        #expect(HTMLPage.fill(title: "{{DATA}} <b>", data: "{}").contains("<title>{{DATA}} &lt;b&gt;</title>"), "a title is never scanned for markers")
    }

    @Test func thePageShowsTokensAndWalletsAtEachStep() throws {
        let page = try TraceViewTests.view("stolen-refresh").render(as: .html).joined(separator: "\n")
        let json = try JSONValue.parse(try Self.code(of: page).data)
        guard case .array(let tokens)? = json["tokens"], case .array(let states)? = json["states"], case .array(let wallets)? = json["wallets"] else {
            Issue.record("tokens, states and wallets are arrays")
            return
        }
        #expect(tokens.first?["id"]?.stringValue == "c1" && tokens.contains { $0["id"]?.stringValue == "rt1" })
        let rt1 = try #require(tokens.firstIndex { $0["id"]?.stringValue == "rt1" })
        #expect(states.first == .array([]), "nothing minted at step 0")
        // null: as the step before.
        func latest(_ list: [JSONValue]) -> JSONValue? { list.last { $0 != .null } }
        #expect(states.count == wallets.count && states[states.count - 1] == .null, "report changes nothing: the page looks back")
        guard case .array(let last)? = latest(states), case .array(let holders)? = latest(wallets) else { Issue.record("per-step arrays"); return }
        #expect(last[rt1].stringValue == "revoked", "rt1's family was revoked by the end")
        #expect(holders.contains { $0["party"]?.stringValue == "mallory" }, "mallory holds what she stole")
        guard case .array(let afterLogin) = wallets[4] else { Issue.record("step 4 (login alice) changed the wallets"); return }
        #expect(afterLogin.map { $0["party"]?.stringValue } == ["alice"], "after her login alice holds her tokens: \(afterLogin)")
    }

    /// A refresh token kept across refreshes (no rotation) under an idle
    /// limit lives until an hour after its latest use, as the auth server
    /// enforces. The page must draw that deadline at each step, not the
    /// one the token was minted with.
    @Test func aKeptRefreshTokensBarFollowsItsSlidingIdleDeadline() throws {
        let script = """
            set refresh.rotation off
            set refresh.idle 1h
            login alice
            advance 30m
            refresh alice
            advance 45m
            refresh alice
            tokens
            """
        let view = try TraceViewTests.view(ofScript: script + "\n")
        let page = view.render(as: .html).joined(separator: "\n")
        #expect(page == view.render(as: .html).joined(separator: "\n"), "the same trace gives the same page, byte for byte")
        let json = try JSONValue.parse(try Self.code(of: page).data)
        guard case .array(let tokens)? = json["tokens"], case .array(let expiries)? = json["expiries"] else {
            Issue.record("tokens and expiries are arrays")
            return
        }
        /// What the page reads: the latest array at or before the step, and
        /// for a token minted since then, the expiry it was minted with.
        func expiry(of id: String, atStep step: Int) -> Int64? {
            guard let index = tokens.firstIndex(where: { $0["id"]?.stringValue == id }) else { return nil }
            if case .array(let list)? = expiries[...step].last(where: { $0 != .null }), index < list.count { return list[index].intValue }
            return tokens[index]["expires"]?.intValue
        }
        // Steps: 0 start, 1-2 set, 3 login, 4 advance, 5 refresh, 6 advance, 7 refresh, 8 tokens.
        #expect(expiries.count == 9)
        let minted = try #require(tokens.first { $0["id"]?.stringValue == "rt1" }?["expires"]?.intValue)
        #expect(minted == 3_600_060, "rt1 was minted at 00:00:00.060 to expire an hour later")
        #expect(expiry(of: "rt1", atStep: 4) == minted, "before any refresh the bar ends where rt1 was minted to end")
        #expect(expiry(of: "rt1", atStep: 5) == 5_400_100, "used at 00:30:00.100: it lives until 01:30:00.100")
        #expect(expiry(of: "rt1", atStep: 7) == 8_100_140, "used again at 01:15:00.140: it lives until 02:15:00.140, as `tokens` shows")
        #expect(expiry(of: "rt1", atStep: 8) == 8_100_140, "tokens changes nothing: the page looks back")
        #expect(expiries[...4].allSatisfy { $0 == .null } && expiries[6] == .null && expiries[8] == .null,
                "only the steps that moved a deadline carry an array, so pages stay small: \(expiries)")
        for access in ["at1", "at2", "at3"] {
            let mintedAccess = tokens.first { $0["id"]?.stringValue == access }?["expires"]?.intValue
            #expect(mintedAccess != nil && expiry(of: access, atStep: 8) == mintedAccess, "\(access) keeps the expiry in its exp claim")
        }
    }

    /// With rotation each refresh mints a new token; the one it replaced
    /// keeps the expiry it was minted with, so no step moves a deadline.
    @Test func rotatedRefreshTokensKeepTheExpiryTheyWereMintedWith() throws {
        let view = try TraceViewTests.view(ofScript: "set preset rotation\nset refresh.idle 1h\nlogin alice\nadvance 30m\nrefresh alice\nadvance 45m\nrefresh alice\n")
        let json = try JSONValue.parse(try Self.code(of: view.render(as: .html).joined(separator: "\n")).data)
        guard case .array(let tokens)? = json["tokens"], case .array(let expiries)? = json["expiries"] else {
            Issue.record("tokens and expiries are arrays")
            return
        }
        #expect(tokens.filter { $0["kind"]?.stringValue == "refresh" }.count == 3, "rt1, rt2, rt3")
        #expect(expiries.count == 8 && expiries.allSatisfy { $0 == .null }, "\(expiries)")
    }
}
