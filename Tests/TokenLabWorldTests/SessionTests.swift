import Testing
@testable import TokenLabWorld

/// The session around the world: undo is exact because replay is.
@Suite struct SessionTests {
    func session(_ lines: String...) throws -> Session {
        let s = try Session(seed: 3, preset: "rotation")
        for line in lines { #expect(s.execute(line).error == nil, "\(line)") }
        return s
    }

    @Test func undoGivesExactlyTheWorldThatNeverRanTheLastCommand() throws {
        let undone = try session("login alice", "call alice GET /orders", "tokens", "advance 20m", "call alice GET /orders")
        let result = undone.execute("undo")
        #expect(result.output.first == "undone: call alice GET /orders")
        let never = try session("login alice", "call alice GET /orders", "tokens", "advance 20m")
        #expect(undone.trace == never.trace, "byte-identical traces")
        #expect(undone.world.now == never.world.now && undone.world.ledger.ids == never.world.ledger.ids)
    }

    @Test func undoSkipsLookingCommandsAndStopsAtTheStart() throws {
        let s = try session("login alice", "tokens", "status")
        #expect(s.execute("undo").output.first == "undone: login alice")
        #expect(s.execute("undo").error?.message == "nothing to undo")
    }

    @Test func resetAndSeedStartAFreshWorld() throws {
        let s = try session("login alice")
        #expect(s.execute("seed 9").output == ["a fresh world: seed 9, policy rotation"])
        #expect(s.seed == 9 && s.world.seed == 9 && s.world.ledger.entries.isEmpty && s.log.isEmpty)
        s.execute("login bob")
        s.execute("reset")
        #expect(s.world.events.isEmpty && s.world.policy == .rotation && s.seed == 9)
        #expect(s.execute("seed x").error?.message.hasPrefix("seed: 'x' is not a number") == true)
    }

    @Test func historyListsTheLinesThatRan() throws {
        let s = try session("login alice", "tokens")
        _ = s.execute("lgoin bob")
        #expect(s.execute("history").output == ["1  login alice", "2  tokens"])
    }

    @Test func saveAsksTheFrontEndToWriteTheTrace() throws {
        let s = try session("login alice")
        let result = s.execute("save /tmp/x.jsonl")
        #expect(result.effect == .write(path: "/tmp/x.jsonl", text: s.trace))
        #expect(s.execute("quit").effect == .quit && s.execute("exit").effect == .quit)
        #expect(s.execute("load a.tl").effect == .load(path: "a.tl"))
    }

    @Test func loadRunsAScriptOrATracesInputsAndIsAllOrNothing() throws {
        let source = try session("login alice", "advance 1m", "call alice GET /orders")
        let target = try Session(seed: 3, preset: "rotation")
        let loaded = target.load(text: source.trace, name: "saved.jsonl")
        #expect(loaded.error == nil && loaded.output.last == "loaded 3 lines from saved.jsonl")
        #expect(target.trace == source.trace)

        let before = target.trace
        let bad = target.load(text: "advance 5m\nlogin alice\nlgoin bob\n", name: "bad.tl")
        #expect(bad.error?.message == "bad.tl:3: unknown command 'lgoin'; did you mean 'login'? (help lists them)")
        #expect(target.trace == before, "the two good lines were taken back")
        #expect(target.load(text: "{\"type\":\"header\",\"format\":\"other\"}\n", name: "x.jsonl").error?.message
                == "x.jsonl:1: not a tokenlab trace (expected format tokenlab-trace)")
    }
}

/// Issue 7 (B): a loaded `seed 7` followed by a bad line used to leave seed 7
/// and a rebuilt world behind.
@Suite struct LoadTests {
    @Test func aLoadThatFailsAfterSeedLeavesSeedWorldLogAndTraceAsTheyWere() throws {
        let s = try Session(seed: 3, preset: "rotation")
        for line in ["login alice", "advance 1m", "steal all from alice via xss", "tokens"] { _ = s.execute(line) }
        let before = (trace: s.trace, log: s.log, tokens: s.world.tokenTable(), report: s.world.reportLines())
        let bad = s.load(text: "seed 7\nlogin bob\ncall bob GET /orders\nlgoin bob\n", name: "bad.tl")
        #expect(bad.error?.message.hasPrefix("bad.tl:4: unknown command 'lgoin'") == true)
        #expect(s.seed == 3 && s.world.seed == 3, "the seed is put back")
        #expect(s.log == before.log && s.trace == before.trace)
        #expect(s.world.tokenTable() == before.tokens && s.world.reportLines() == before.report)
        // And the session carries on exactly like one that never tried the load.
        let never = try Session(seed: 3, preset: "rotation")
        for line in before.log + ["as mallory refresh", "call alice GET /orders"] { _ = never.execute(line) }
        for line in ["as mallory refresh", "call alice GET /orders"] { _ = s.execute(line) }
        #expect(s.trace == never.trace)
        #expect(s.execute("undo").output.first == "undone: call alice GET /orders")
    }
}

/// Attackers act through capabilities; what they reach is the world's call.
@Suite struct AttackTests {
    @Test func xssReadsLocalStorageButNotAnHttpOnlyCookie() {
        let open = session(preset: "rotation")
        open.run("login alice")
        #expect(open.outcomes(of: "steal refresh from alice via xss") == ["steal refresh from alice via xss  got rt1: script reads localStorage"])
        let bcp = session(preset: "bcp")
        bcp.run("login alice")
        #expect(bcp.outcomes(of: "steal all from alice via xss").allSatisfy { $0.contains("nothing: the token is in an HttpOnly cookie") })
        #expect(bcp.run("wallet mallory") == ["mallory holds nothing"])
    }

    @Test func sniffingNeedsAPlainLinkAndDevicesKeepNothingInMemory() {
        let s = session(preset: "insecure")
        s.run("login alice")
        #expect(s.outcomes(of: "steal access from alice via sniff").first?.contains("got at1: it crossed a plain link") == true)
        let tls = session()
        tls.run("login alice")
        #expect(tls.outcomes(of: "steal access from alice via sniff").first?.contains("nothing: the link is TLS") == true)
        tls.run("set storage memory", "login alice")
        #expect(tls.outcomes(of: "steal refresh from alice via device").first?.contains("nothing: tokens held only in memory") == true)
        #expect(tls.outcomes(of: "steal refresh from alice via insider").first?.contains("only SHA-256 hashes") == true)
    }

    @Test func aStolenRefreshTokenUsedFirstGetsTheVictimCaughtByReuseDetection() {
        let s = session(preset: "rotation")
        s.run("login alice", "steal refresh from alice via xss", "advance 16m")
        #expect(s.outcomes(of: "as mallory refresh") == ["POST /token refresh_token rt1  200 at2 rt2 (rt1 rotated) fam1"])
        #expect(s.outcomes(of: "as mallory call GET /orders") == ["GET /orders  Bearer at2  200 3 orders"])
        let victim = s.outcomes(of: "call alice GET /orders")
        #expect(victim.contains { $0.contains("reuse detected") })
        // The family is revoked, yet mallory's access token lives until it expires: local validation cannot know.
        #expect(s.outcomes(of: "as mallory call GET /orders") == ["GET /orders  Bearer at2  200 3 orders"])
        s.run("advance until at2 expires")
        #expect(s.outcomes(of: "as mallory call GET /orders").first?.contains("401 invalid_token: expired") == true)
    }

    @Test func unknownVictimsAndCapabilitiesAreErrorsThatListTheValidOnes() {
        let s = session()
        #expect(s.execute("steal access from carol via xss").error?.message == "unknown user 'carol'; valid: alice, bob, mallory")
        #expect(s.execute("steal access from alice via magic").error?.message == "unknown capability 'magic'; valid: xss, sniff, device, logs, insider, silent, intercept")
        #expect(s.execute("steal keys from alice via xss").error?.message.hasPrefix("steal: 'keys' is not access, refresh, all or code") == true)
        #expect(s.execute("as mallory login").error?.message.hasPrefix("as: 'login' is not something a party does here") == true)
        #expect(s.outcomes(of: "steal access from alice via xss") == ["steal access from alice via xss  nothing: alice holds no access token"])
    }
}

@Suite struct CompletionTests {
    let world: World = {
        let s = session()
        s.run("login alice")
        return s.world
    }()

    func complete(_ text: String) -> [String]? { Completion.candidates(before: text, world: world) }

    @Test func completesCommandsPartiesTokensKeysAndValues() {
        #expect(complete("lo") == ["login", "logout", "load"])
        #expect(complete("call a") == ["alice"])
        #expect(complete("call alice GET /o") == ["/orders"])
        #expect(complete("decode ") == ["c1", "at1", "rt1"])
        #expect(complete("refresh alice r") == ["rt1"])
        #expect(complete("set refresh.ro") == ["refresh.rotation"])
        #expect(complete("set refresh.rotation ") == ["on", "off"])
        #expect(complete("set preset b") == ["baseline", "bcp"])
        #expect(complete("advance until alice.a") == ["alice.access"])
        #expect(complete("steal refresh from alice via ") == ["xss", "sniff", "device", "logs", "insider", "silent", "intercept"])
        #expect(complete("as mallory re") == ["refresh", "redeem"])
        #expect(complete("as mallory call mallory G") == [], "after as PARTY the party is not asked again")
        #expect(complete("as mallory call G") == ["GET"])
        #expect(complete("load ") == nil, "file names are the front end's")
    }
}

@Suite struct PictureTests {
    @Test func theDiagramDrawsLifelinesArrowsAndMarksRefusals() {
        let s = session()
        s.run("login alice", "advance until alice.access expires", "call alice GET /orders")
        let lines = s.run("diagram")
        #expect(lines.first?.contains("alice.browser") == true && lines.first?.contains("auth") == true)
        let requests = lines.filter { $0.contains("─▶") }, answers = lines.filter { $0.contains("┄") }
        #expect(requests.count == 5 && answers.count == 5, "authorize, token, call, refresh, retry, each answered: \(lines)")
        #expect(lines.contains { $0.contains("✗") && $0.contains("401") }, "the refusal is marked")
        #expect(lines.contains { $0.contains("▌alice.browser: got 401: refreshes once, then retries") }, "the browser's own step is a note")
        #expect(lines.dropFirst().allSatisfy { $0.contains("│") || $0.contains("▌") })
        let last = s.run("diagram 1")
        #expect(last.count == 3 && last[1].contains("GET /orders  Bearer at2") && last[2].contains("200 3 orders"), "the last request and its answer: \(last)")
    }

    @Test func theTimelineHasABarPerTokenAndAMarkerAtNow() {
        let s = session(preset: "rotation")
        s.run("login alice", "advance 16m", "call alice GET /orders")
        let lines = s.run("timeline")
        #expect(lines[0].contains("now 00:16:00"))
        #expect(lines.count == 6)
        #expect(lines[1].hasPrefix("c1 alice") && lines[1].hasSuffix("used (fam1)"), "the code lives 60 s and is used once: \(lines)")
        #expect(lines[2].hasPrefix("at1 alice") && lines[2].hasSuffix("expired"))
        #expect(lines[3].hasPrefix("rt1 alice") && lines[3].contains("░") && lines[3].hasSuffix("rotated"))
        #expect(lines.dropFirst().allSatisfy { $0.contains("█") })
    }

    @Test func colourIsOnlyWhereAskedFor() {
        let s = session()
        s.run("login alice", "call alice GET /orders")
        #expect(!s.run("diagram").joined().contains("\u{1B}["))
        s.colors = true
        #expect(s.run("diagram").joined().contains("\u{1B}["))
        // events[1]: the token response (200); events[0] is the authorize 302.
        #expect(EventStyle.line(for: s.world.events[1], colors: true).contains("\u{1B}[32m"))
        #expect(EventStyle.line(for: s.world.events[0], colors: false) == s.world.events[0].line)
    }
}
