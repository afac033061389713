import Testing
@testable import TokenLabWorld

/// Bad input gets one clear line and changes nothing.
@Suite struct ErrorTests {
    func error(_ line: String, in s: Interpreter = session()) -> String? { s.execute(line).error?.message }

    @Test func anUnknownCommandNamesTheClosestOne() {
        #expect(error("lgoin alice") == "unknown command 'lgoin'; did you mean 'login'? (help lists them)")
        #expect(error("xyzzy") == "unknown command 'xyzzy' (help lists them)")
    }

    @Test func wrongArgumentsPrintThatCommandsUsage() {
        #expect(error("login") == "usage: login USER")
        #expect(error("call alice GET") == "usage: call USER METHOD PATH")
        #expect(error("advance until alice.access") == "usage: advance DURATION | advance until TARGET expires")
        #expect(error("advance soon")?.hasPrefix("advance: 'soon' is not a duration") == true)
    }

    @Test func unknownNamesListWhatIsValid() {
        #expect(error("login carol") == "unknown user 'carol'; valid: alice, bob, mallory")
        #expect(error("login alcie") == "unknown user 'alcie'; did you mean 'alice'?; valid: alice, bob, mallory")
        #expect(error("revoke at9") == "unknown token 'at9'; valid: none yet (login first)")
        #expect(error("call alice GET /nope") == "unknown resource 'GET /nope'; valid: GET /orders, GET /profile, GET /admin, POST /orders")
        #expect(error("set preset paranoid") == "unknown preset 'paranoid'; valid: insecure, baseline, rotation, bcp, introspection, dpop, spa, token-mediating, bff")
        #expect(error("set access.ttl soon") == "access.ttl takes a duration such as 250ms, 90s, 5m, 2h, 30d; got 'soon'")
        #expect(error("set storage disk") == "storage takes memory, localStorage, cookie, sessionStorage; got 'disk'")
        #expect(error("set acess.ttl 5m")?.hasPrefix("unknown policy key 'acess.ttl'; did you mean 'access.ttl'?; valid: access.ttl,") == true)
    }

    @Test func aRefusedCommandLeavesTheWorldAsItWas() {
        let s = session()
        s.run("login alice")
        let (time, events, tokens) = (s.world.now, s.world.events.count, s.world.ledger.entries.count)
        for bad in ["refresh alice at1", "login carol", "set tls maybe", "advance until bob.access expires", "call alice DELETE /orders"] {
            #expect(s.execute(bad).error != nil, "\(bad)")
        }
        #expect(s.world.now == time && s.world.events.count == events && s.world.ledger.entries.count == tokens)
        #expect(s.world.policy == .baseline)
    }

    @Test func blankLinesCommentsAndControlCharacters() {
        let s = session()
        #expect(s.execute("").isBlank && s.execute("   # just a note").isBlank)
        #expect(error("login alice\u{7}") == "control character U+7 in line")
        #expect(error(String(repeating: "a", count: 5000))?.hasPrefix("line too long") == true)
    }

    @Test func aScriptErrorNamesTheFileAndLineAndStops() {
        #expect(throws: CommandError("test.tl:3: unknown user 'carol'; valid: alice, bob, mallory")) {
            try runScript("login alice\n# fine\nlogin carol\nlogin bob\n")
        }
    }

    @Test func scriptsWithWindowsLineEndingsRun() throws {
        let output = try runScript("login alice\r\ncall alice GET /orders\r\n").output
        #expect(output.count == 5 && output[4].hasSuffix("200 3 orders"))
    }
}
