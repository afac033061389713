import Testing
import TokenLabCore
@testable import TokenLabWorld

/// Properties that hold for every seed and every sequence of commands:
/// 10,000 random sessions of 25 commands each, under random presets.
@Suite struct InvariantTests {
    static let templates = [
        "login V", "call V GET /orders", "call V GET /admin", "refresh V", "logout V", "advance 1m", "advance 7m", "advance 20m",
        "steal all from V via xss", "steal refresh from V via device", "as mallory refresh", "as mallory call GET /orders",
        "as mallory call GET /admin", "ride V GET /orders", "revoke rt1", "refresh V rt1", "refresh V rt2", "forge none from V",
        "set tls off", "set client.token_in_query on", "steal access from V via sniff", "steal refresh from V via sniff",
        "steal access from V via logs", "as mallory call GET /orders with at1", "as mallory refresh rt1", "as mallory refresh rt2",
        // The backend (issue 12): a party of its own under bff and token-mediating.
        "set client.architecture bff", "set client.architecture token-mediating", "steal all from V via backend",
        "steal all from V via silent", "ride V refresh", "open V", "race tabs V",
    ]

    @Test func invariantsHoldForTenThousandRandomSessions() throws {
        var random = RandomStream(seed: 9, name: "invariants")
        var exercised = (detections: 0, attackerSuccesses: 0, refusals: 0, sniffedOrLogged: 0, backendGrants: 0, invalidClient: 0)
        for run in 0..<10_000 {
            let seed = random.next(below: 1_000_000)
            let preset = Policy.presetNames[Int(random.next(below: UInt64(Policy.presetNames.count)))]
            let lines = (0..<25).map { _ in
                Self.templates[Int(random.next(below: UInt64(Self.templates.count)))]
                    .replacingVictim(with: random.next(below: 2) == 0 ? "alice" : "bob")
            }
            let session = try Session(seed: seed, preset: preset)
            for line in lines { _ = session.execute(line) }
            check(session.world, context: "run \(run), seed \(seed), preset \(preset): \(lines.joined(separator: "; "))")
            let events = session.world.events
            exercised.detections += events.filter { $0.action.hasPrefix("reuse of") }.count
            exercised.backendGrants += events.filter { $0.from == World.backendName && $0.to == "auth" && $0.status == 200 }.count
            exercised.invalidClient += events.filter { $0.outcome.hasPrefix("401 invalid_client") }.count
            exercised.attackerSuccesses += events.filter { $0.from == World.attacker && $0.status == 200 }.count
            exercised.refusals += events.filter { ($0.status ?? 0) >= 400 }.count
            exercised.sniffedOrLogged += events.filter { $0.outcome.hasPrefix("got ") && ($0.action.hasSuffix("via sniff") || $0.action.hasSuffix("via logs")) }.count
            if run % 500 == 0 {
                let again = try Session(seed: seed, preset: preset)
                for line in lines { _ = again.execute(line) }
                #expect(again.trace == session.trace, "identical output for identical seeds: run \(run), seed \(seed)")
            }
        }
        // The properties must have been put to the test, not vacuously true.
        #expect(exercised.detections > 300 && exercised.attackerSuccesses > 1000 && exercised.refusals > 10_000
                && exercised.sniffedOrLogged > 200 && exercised.backendGrants > 500 && exercised.invalidClient > 50, "\(exercised)")
    }

    func check(_ world: World, context: String) {
        var revokedAt: [String: VirtualTime] = [:] // family -> when reuse detection revoked it
        for event in world.events {
            let family = event.outcome.split(separator: " ").first(where: { $0.hasPrefix("fam") }).map(String.init)
            if event.kind == .security, event.action.hasPrefix("reuse of"), let family = event.tokens.last {
                revokedAt[family] = event.time
            }
            // No success at the auth server after reuse detection, for anyone, in that family.
            if event.to == "auth", event.status == 200, event.action.hasPrefix("POST /token refresh"), let family,
               let revoked = revokedAt[family] {
                Issue.record("refresh succeeded in \(family) after reuse detection at \(revoked.clockText): \(event.line) — \(context)")
            }
            // Every refusal carries the right status and code.
            if let status = event.status, event.to == "api" {
                switch status {
                case 200: break
                case 401:
                    #expect(event.outcome.hasPrefix("401 invalid_token") || event.outcome.hasPrefix("401 invalid_dpop_proof")
                            || event.outcome == "401 no token", "\(event.line) — \(context)")
                case 403: #expect(event.outcome.hasPrefix("403 insufficient_scope"), "\(event.line) — \(context)")
                default: Issue.record("unexpected API status: \(event.line) — \(context)")
                }
            }
            if let status = event.status, event.to == "auth", event.action.hasPrefix("POST /token"), status != 200 {
                #expect(status == 400 && (event.outcome.hasPrefix("400 invalid_grant") || event.outcome.hasPrefix("400 invalid_dpop_proof"))
                        || status == 401 && event.outcome.hasPrefix("401 invalid_client") && event.from != World.backendName,
                        "\(event.line) — \(context)")
            }
            // The backend's tokens: only the backend, a confidential client, ever gets a grant of its families.
            if event.to == "auth", event.status == 200, event.action.hasPrefix("POST /token"), let id = event.tokens.first,
               let entry = world.ledger.entry(id: id), entry.family >= 0, entry.family < world.auth.families.count,
               world.auth.families[entry.family].clientID == AuthServer.backendClientID {
                #expect(event.from == World.backendName, "a backend family's grant went to \(event.from): \(event.line) — \(context)")
            }
            // What reaches a page from its backend never holds a refresh token.
            if event.to == World.backendName, event.status == 200 || event.status == 302 {
                for id in event.tokens { #expect(world.ledger.entry(id: id)?.kind != .refresh, "\(event.line) — \(context)") }
            }
            // An attacker's success at the API after detection needs a token minted before it and still unexpired.
            if event.from == World.attacker, event.to == "api", event.status == 200, let id = event.tokens.first,
               let entry = world.ledger.entry(id: id), entry.kind == .access, let revoked = revokedAt["fam\(entry.family + 1)"] {
                #expect(entry.issuedAt <= revoked, "a token minted after detection worked: \(event.line) — \(context)")
                #expect(event.time < entry.expiresAt + world.policy.leeway, "\(event.line) — \(context)")
            }
        }
        // Mallory presents only what she holds, and only after she got it.
        let attacker = world.clients.first(where: \.isAttacker)
        for event in world.events where event.from == World.attacker && (event.to == "api" || event.to == "auth") {
            for id in event.tokens {
                guard let entry = world.ledger.entry(id: id) else { continue }
                let held = attacker?.loot.first(where: { $0.token == entry.value })
                #expect(held.map { $0.at <= event.time } == true, "mallory presented \(id) she did not hold: \(event.line) — \(context)")
            }
        }
        // What a sniffer or a log yielded had crossed a plain link, or sat in a URL, before the theft.
        for event in world.events where event.from == World.attacker && event.outcome.hasPrefix("got ")
            && (event.action.hasSuffix("via sniff") || event.action.hasSuffix("via logs")) {
            let place: NetworkRecord.Place = event.action.hasSuffix("via logs") ? .urlInLog : .plainLink
            let victim = world.clients.firstIndex { event.action.contains("from \($0.user) via") }
            let crossed = event.tokens.allSatisfy { id in
                world.network.crossings.contains { $0.client == victim && $0.place == place && $0.time <= event.time
                    && world.ledger.id(of: $0.token) == id }
            }
            #expect(crossed, "\(event.line) yielded what never crossed there — \(context)")
        }
        // A window never ends before the last success it contains.
        for outcome in world.attackOutcomes() {
            if let last = outcome.lastSuccess {
                #expect(outcome.usableUntil.map { $0 >= last } == true, "\(outcome.origin): usable until before its last success — \(context)")
            }
        }
        // A refresh family never outlives its initial absolute lifetime.
        for entry in world.ledger.entries where entry.kind == .refresh {
            let family = world.auth.families[entry.family]
            #expect(entry.issuedAt < family.absoluteExpiry && entry.expiresAt <= family.absoluteExpiry, "\(entry.id) — \(context)")
        }
    }
}

extension String {
    func replacingVictim(with name: String) -> String {
        split(separator: " ").map { $0 == "V" ? name : String($0) }.joined(separator: " ")
    }
}
