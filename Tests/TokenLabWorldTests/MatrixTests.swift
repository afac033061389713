import Testing
@testable import TokenLabWorld

/// What each catalog attack achieves under each preset is computed by the
/// world; these cells pin the lessons a workshop relies on.
@Suite struct MatrixTests {
    func cell(_ attack: String, _ preset: String) -> Matrix.Cell { Matrix.run(attack: attack, preset: preset) }

    @Test func xssCannotReadHttpOnlyCookiesButCanStillRideTheSession() {
        let theft = cell("xss-once", "bcp")
        #expect(theft.apiRequests == 0 && theft.stoppedBy == "HttpOnly cookie")
        let ride = cell("xss-proxy", "bcp")
        #expect(ride.apiRequests == 6 && ride.stoppedBy.hasPrefix("nothing"), "BCP §5.1.4: cookies do not stop requests from the page")
    }

    @Test func rotationCatchesAOneShotTheftButNotAPersistentOne() {
        let once = cell("xss-once", "rotation")
        #expect(once.stoppedBy.contains("reuse detection") && once.victimCost?.contains("reuse detected") == true)
        let baseline = cell("xss-once", "baseline")
        #expect(baseline.stoppedBy.hasPrefix("nothing") && baseline.apiRequests > once.apiRequests)
        let persistent = cell("xss-persistent", "rotation")
        #expect(persistent.stoppedBy.hasPrefix("nothing"), "BCP §5.1.2: the newest token is taken each time, so no reuse is seen")
    }

    @Test func forgeriesAreStoppedByTheMatchingCheckAndOnlyThere() {
        #expect(cell("forge-tamper", "insecure").stoppedBy == "signature check")
        #expect(cell("forge-alg-none", "insecure").highestRole == "admin")
        #expect(cell("forge-alg-None", "baseline").stoppedBy == "alg check")
        #expect(cell("wrong-audience", "insecure").apiRequests > 0)
        #expect(cell("wrong-audience", "baseline").stoppedBy == "aud check")
        #expect(cell("id-token", "rotation").stoppedBy == "typ check")
        let leak = cell("key-leak", "bcp")
        #expect(leak.highestRole == "admin" && leak.stoppedBy.hasPrefix("nothing"), "a stolen signing key beats every check")
    }

    @Test func capabilitiesTheWorldMakesImpossibleAreOutcomesNotErrors() {
        #expect(cell("sniff", "baseline").stoppedBy == "TLS")
        #expect(cell("sniff", "insecure").apiRequests > 0)
        #expect(cell("insider", "insecure").stoppedBy == "nothing stored, hashed storage")
        #expect(cell("logs", "bcp").stoppedBy == "no tokens in URLs")
    }

    @Test func theMatrixIsTheSameEveryTimeAndInEveryOrder() {
        let forward = Matrix.jobs.map { Matrix.run(attack: $0.attack, preset: $0.preset) }
        let backward = Matrix.jobs.reversed().map { Matrix.run(attack: $0.attack, preset: $0.preset) }.reversed()
        #expect(forward == Array(backward))
        #expect(Matrix.text(forward).count == Matrix.jobs.count + 1)
        #expect(Matrix.markdown(forward).count == AttackScenario.catalog.count + 2)
        #expect((try? JSONValue.parse(Matrix.json(forward))) != nil)
    }

    @Test func theReportFollowsEveryTokenAndNamesTheCost() {
        let s = session(preset: "rotation")
        s.run("login alice", "attack xss-once")
        let report = s.run("report")
        #expect(report.first?.hasPrefix("what the attacks achieved") == true)
        #expect(report.contains { $0.contains("rt1 (refresh): 1 ok (POST /token refresh ×1)") && $0.contains("led to at2 rt2") })
        #expect(report.contains { $0.hasPrefix("cost to the victim: alice was logged out") })
        #expect(report.contains { $0.contains("→ stopped:") && $0.contains("reuse detection") })
        #expect(s.execute("attack nope").error?.message.hasPrefix("unknown attack 'nope'; valid: xss-once, xss-persistent") == true)
        #expect(s.execute("forge magic from alice").error?.message.hasPrefix("unknown forgery 'magic'; valid: tamper") == true)
    }
}

import TokenLabTokens

/// Races without an attacker: the network's order decides, the grace period helps.
@Suite struct RaceTests {
    @Test func twoTabsLogTheUserOutWithoutGraceAndNotWithIt() {
        let strict = session(preset: "rotation")
        strict.run("login alice", "open alice")
        #expect(strict.outcomes(of: "race tabs alice").contains { $0.contains("reuse detected") })
        #expect(strict.world.statusLines().contains("alice.browser: not logged in"))
        let lenient = session(preset: "rotation")
        lenient.run("set refresh.grace 2s", "login alice", "open alice")
        #expect(lenient.outcomes(of: "race tabs alice").contains { $0.contains("accepted within refresh.grace 2s") })
        #expect(lenient.outcomes(of: "call alice GET /orders") == ["GET /orders  Bearer at3  200 3 orders"])
    }

    @Test func aLostResponseIsForgivenOnlyWithinGrace() {
        let s = session(preset: "rotation")
        s.run("set refresh.grace 1s", "login alice", "race lost alice")
        #expect(s.outcomes(of: "refresh alice").first?.contains("accepted within refresh.grace") == true)
        let late = session(preset: "rotation")
        late.run("set refresh.grace 1s", "login alice", "race lost alice", "advance 2s")
        #expect(late.outcomes(of: "refresh alice").first?.contains("reuse detected") == true)
    }

    @Test func aRefreshRacingLogoutLeavesTheBrowserWithTokensOfARevokedFamily() {
        let s = session(preset: "rotation")
        s.run("login alice", "race logout alice")
        #expect(s.world.statusLines().contains { $0.hasPrefix("alice.browser: access at2") && $0.hasSuffix("fam1 revoked") })
        #expect(s.outcomes(of: "call alice GET /orders") == ["GET /orders  Bearer at2  200 3 orders"], "local validation cannot see the revocation")
        #expect(s.execute("race cats alice").error?.message == "unknown race 'cats'; valid: tabs, logout, lost")
    }
}

@Suite struct KeyRotationTests {
    @Test func retiringALeakedKeyStopsItsForgeriesAndGenuineTokensRefreshOnto() {
        let s = session()
        s.run("login alice", "forge keyleak from alice")
        #expect(s.outcomes(of: "as mallory call GET /admin") == ["GET /admin  Bearer ft1  200 admin console"])
        s.run("keys rotate", "keys retire k1")
        #expect(s.outcomes(of: "as mallory call GET /admin") == ["GET /admin  Bearer ft1  401 invalid_token: unknown kid \"k1\""])
        let alice = s.outcomes(of: "call alice GET /orders")
        #expect(alice.last == "GET /orders  Bearer at2  200 3 orders", "alice's app refreshes onto k2: \(alice)")
        let report = s.run("report")
        #expect(report.contains { $0.hasSuffix("stopped: key retirement [RFC 7517 §4.5]") }, "\(report)")
        #expect(report.contains("      usable until 00:00:00.120: key k1 retired [RFC 7517 §4.5]"), "the window ends at the retirement: \(report)")
        #expect(s.execute("keys retire k2").error?.message == "k2 signs new tokens; keys rotate first, then retire it")
        #expect(s.execute("keys retire k9").error?.message == "no key 'k9'; valid: k2")
        let jwks = s.run("keys").joined()
        #expect(jwks.contains("\"kid\": \"k2\"") && !jwks.contains("\"kid\": \"k1\""))
    }
}

/// Sender-constrained tokens (RFC 9449): stolen tokens are useless without the key,
/// yet script in the page can still make proofs with it (RFC 9449 §11.4).
@Suite struct DPoPTests {
    @Test func aStolenBoundTokenIsRefusedEverywhereButTheVictimsOwnBrowserStillWorks() {
        let s = session(preset: "dpop")
        s.run("login alice", "steal all from alice via xss")
        #expect(s.outcomes(of: "as mallory call GET /orders").first == "GET /orders  DPoP at1  401 invalid_token: bound to another key (cnf.jkt)")
        #expect(s.outcomes(of: "ride alice GET /orders") == ["GET /orders  DPoP at1  (sent by mallory's script)  200 3 orders"])
        #expect(s.outcomes(of: "call alice GET /orders") == ["GET /orders  DPoP at1  200 3 orders"])
        #expect(s.world.attackOutcomes().first?.stoppedBy == "stopped: proof of possession [RFC 9449 §6.1, §7.1]")
    }

    @Test func aBoundTokenSheHasNotTriedIsAlreadyUnusableInHerWalletAndReport() {
        let s = session(preset: "dpop")
        s.run("login alice", "steal all from alice via xss")
        let wallet = s.run("wallet mallory")
        #expect(wallet.filter { $0.contains("unusable: bound to a DPoP key mallory lacks") }.count == 2, "\(wallet)")
        #expect(!wallet.joined().contains("usable for"))
        #expect(s.run("wallet alice").filter { $0.contains("usable for") }.count == 2, "her own browser holds the key")
        let outcome = s.world.attackOutcomes().first
        #expect(outcome?.usableUntil == nil && outcome?.stoppedBy == "stopped: proof of possession [RFC 9449 §6.1, §7.1]")
    }

    @Test func theMatrixShowsWhatProofOfPossessionStopsAndWhatItDoesNot() {
        #expect(Matrix.run(attack: "xss-once", preset: "dpop").stoppedBy == "proof of possession")
        #expect(Matrix.run(attack: "device", preset: "dpop").apiRequests == 0)
        #expect(Matrix.run(attack: "xss-proxy", preset: "dpop").apiRequests > 0)
    }

    @Test func tokensCarryTheKeyThumbprintAndProofsAreRealJWS() throws {
        let key = DPoPKey(seed: Array(repeating: 7, count: 32))
        let proof = key.proof(method: "GET", url: "https://api.tokenlab.test/orders", issuedAt: 100, id: "p1", accessToken: "tok")
        #expect(DPoPCheck.verify(proof, method: "GET", url: "https://api.tokenlab.test/orders", now: 110, maxAge: 60, accessToken: "tok")
                == .valid(thumbprint: key.thumbprint, proofID: "p1"))
        #expect(DPoPCheck.verify(proof, method: "POST", url: "https://api.tokenlab.test/orders", now: 110, maxAge: 60, accessToken: "tok")
                == .invalid("proof is for another request (htm/htu)"))
        #expect(DPoPCheck.verify(proof, method: "GET", url: "https://api.tokenlab.test/orders", now: 500, maxAge: 60, accessToken: "tok")
                == .invalid("proof is stale or from the future (iat)"))
        #expect(DPoPCheck.verify(proof, method: "GET", url: "https://api.tokenlab.test/orders", now: 110, maxAge: 60, accessToken: "other")
                == .invalid("proof is for another access token (ath)"))
        let decoded = try DecodedJWS(proof)
        #expect(decoded.header["typ"] == .string("dpop+jwt") && decoded.header["jwk"]?["kty"] == .string("OKP"))
        let s = session(preset: "dpop")
        s.run("login alice")
        let claims = try DecodedJWS(s.world.ledger.entry(id: "at1")!.value).payload
        #expect(claims["cnf"]?["jkt"]?.stringValue?.count == 43, "a base64url SHA-256 thumbprint (RFC 7638)")
    }

    @Test func aReplayedProofIsRefused() {
        let s = session(preset: "dpop")
        s.run("login alice", "call alice GET /orders")
        let world = s.world
        let first = world.api.checkProof(nil, method: "GET", url: "x", accessToken: "t", now: world.now)
        #expect(first == .invalid("no DPoP proof"))
    }
}

@Suite struct CSRFTests {
    @Test func sameSiteAndHeaderTokensDecideWhatACrossSiteRequestCarries() {
        // Each cookie carries the SameSite it was set with, so each case logs in under its own setting.
        func csrf(_ sameSite: String, _ line: String) -> [String] {
            let s = session(preset: "bcp")
            s.run("set cookie.samesite \(sameSite)", "login alice")
            return s.outcomes(of: line)
        }
        #expect(csrf("strict", "csrf alice POST /orders") == ["csrf alice POST /orders  nothing: SameSite=Strict keeps the cookie off cross-site requests"])
        #expect(csrf("lax", "csrf alice POST /orders").first?.contains("SameSite=Lax") == true)
        #expect(csrf("lax", "csrf alice GET /orders") == ["GET /orders  Cookie at1  (cross-site, from mallory's page)  200 3 orders"])
        #expect(csrf("none", "csrf alice POST /orders") == ["POST /orders  Cookie at1  (cross-site, from mallory's page)  200 order placed"])
        let header = session(preset: "baseline")
        header.run("login alice")
        #expect(header.outcomes(of: "csrf alice POST /orders").first?.contains("a browser adds no header to a cross-site request") == true)
        #expect(Matrix.run(attack: "csrf", preset: "bcp").stoppedBy == "SameSite cookie")
    }
}

@Suite struct KeyConfusionTests {
    @Test func anHMACKeyedWithThePublicRSAKeyPassesOnlyWhereTheHeaderPicksTheAlgorithm() throws {
        let s = session(preset: "insecure")
        s.run("login alice", "forge confusion from alice")
        #expect(s.outcomes(of: "as mallory call GET /admin") == ["GET /admin  ?access_token= ft1  200 admin console"])
        s.run("set keys.per_alg on")
        #expect(s.outcomes(of: "as mallory call GET /admin") == ["GET /admin  ?access_token= ft1  401 invalid_token: kid \"rsa1\" is an RS256 key: one key, one algorithm, never an HS256 secret"])
        #expect(Matrix.run(attack: "key-confusion", preset: "bcp").apiRequests == 0)
        // The genuine RS256 token verifies with the lab key's JWK (n, e) as published.
        let decoded = try DecodedJWS(s.world.ledger.entry(id: "at1")!.value)
        #expect(decoded.header["alg"] == .string("RS256") && decoded.header["kid"] == .string("rsa1"))
        let jwks = try JSONValue.parse(s.run("keys").dropLast().joined(separator: "\n"))
        guard case .array(let keys)? = jwks["keys"] else { Issue.record("no keys"); return }
        #expect(keys.contains { $0["kty"] == .string("RSA") && $0["n"]?.stringValue?.count == 342 && $0["e"] == .string("AQAB") })
    }
}

@Suite struct LogsAndLeewayTests {
    @Test func tokensInURLsReachTheLogsAndLeewayStretchesExpiry() {
        #expect(Matrix.run(attack: "logs", preset: "insecure").apiRequests > 0)
        #expect(Matrix.run(attack: "logs", preset: "baseline").stoppedBy == "no tokens in URLs")
        let replay = Matrix.run(attack: "expired-replay", preset: "insecure")
        #expect(replay.apiRequests == 1 && replay.stoppedBy == "expiry", "accepted once inside the 5m leeway, then refused")
        #expect(Matrix.run(attack: "expired-replay", preset: "baseline").apiRequests == 0)
    }

    @Test func aSavedTraceCarriesOutcomeRecords() throws {
        let s = try Session(seed: 1, preset: "rotation")
        for line in ["login alice", "attack xss-once"] { _ = s.execute(line) }
        let outcomes = s.trace.split(separator: "\n").filter { $0.contains("\"type\":\"outcome\"") }
        #expect(outcomes.count == 1)
        let record = try JSONValue.parse(String(outcomes[0]))
        #expect(record["stopped"] == .bool(true) && record["stopped_by"]?.stringValue?.contains("reuse detection") == true)
    }
}

@Suite struct SilentLoginTests {
    @Test func aSilentLoginGivesTheAttackerAFamilyNoAppDefenceTouches() {
        let s = session(preset: "bcp")
        s.run("login alice")
        #expect(s.outcomes(of: "steal all from alice via silent").first?.contains("got at2 rt2 in a new family fam2") == true)
        s.run("logout alice")
        #expect(s.outcomes(of: "as mallory call GET /orders") == ["GET /orders  Bearer at2  200 3 orders"], "the app's logout revoked fam1 only")
        #expect(Matrix.run(attack: "xss-silent-login", preset: "dpop").stoppedBy.hasPrefix("nothing"), "the script binds the new tokens to its own key")
        let nobody = session(preset: "bcp")
        #expect(nobody.outcomes(of: "steal all from alice via silent").first?.contains("nothing: alice has no live session") == true)
    }
}

@Suite struct CatalogTests {
    @Test func everyAttackIsExplainedWithItsRules() {
        for attack in AttackScenario.catalog {
            #expect(attack.explanation != attack.summary && attack.explanation.contains("RFC") || attack.explanation.contains("BCP"),
                    "\(attack.name) needs a paragraph")
        }
        let s = session()
        #expect(s.run("attacks csrf").first == "csrf [RFC 6750 §5.3, draft-ietf-httpbis-rfc6265bis §5.6.7]")
        #expect(s.run("attacks").count == AttackScenario.catalog.count + 3)
    }
}
