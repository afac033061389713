import Testing
import TokenLabCore
@testable import TokenLabWorld

/// A policy that feeds itself is refused at `set`; a world that runs away
/// anyway is stopped with one line, and the session is as it was before.
@Suite struct RunawayTests {
    /// `set client.refresh_ahead 5m` under bcp, as issue 7 reported it: each
    /// refresh would land already due for the next one.
    static var looping: Policy {
        var policy = Policy.bcp
        policy.refreshAhead = .minutes(5)
        return policy
    }

    @Test func refreshingAheadByATokensWholeLifetimeIsRefusedNamingBothSettings() throws {
        let s = try Session(seed: 1)
        #expect(s.execute("set preset bcp").error == nil)
        #expect(s.execute("set client.refresh_ahead 5m").error?.message
                == "client.refresh_ahead 5m must be shorter than access.ttl 5m; otherwise each new token is due for refresh at once and the client refreshes forever")
        #expect(s.world.policy == .bcp, "the refused setting did not stick")
        #expect(s.execute("set client.refresh_ahead 4m").error == nil)
        #expect(s.execute("set access.ttl 4m").error?.message.hasPrefix("client.refresh_ahead 4m must be shorter than access.ttl 4m;") == true,
                "shortening the token is the same combination, from the other side")
        // expires_in counts whole seconds, so 1500ms lasts 1s by the client's clock.
        _ = s.execute("set client.refresh_ahead off")
        _ = s.execute("set access.ttl 1500ms")
        #expect(s.execute("set client.refresh_ahead 1s").error?.message.hasPrefix(
            "client.refresh_ahead 1s must be shorter than access.ttl 1s500ms (1s in expires_in, which counts whole seconds)") == true)
        // A workable refresh-ahead settles: the call refreshes first, once.
        let ok = try Session(seed: 1, preset: "bcp")
        for line in ["set client.refresh_ahead 4m", "login alice", "advance 2m", "call alice GET /orders"] {
            #expect(ok.execute(line).error == nil, "\(line)")
        }
        #expect(ok.world.counters.refreshes == 1)
    }

    @Test func noSettingTakesMoreThanAHundredYears() throws {
        let s = try Session(seed: 1)
        #expect(s.execute("set latency 999999999d").error?.message == "set latency: '999999999d' is more than 100 years")
        #expect(s.execute("set client.refresh_ahead 36526d").error?.message == "set client.refresh_ahead: '36526d' is more than 100 years")
        #expect(s.execute("set access.ttl -5m").error?.message.hasPrefix("access.ttl takes a duration") == true, "no negative durations")
        #expect(s.world.policy == .baseline)
    }

    @Test func aWorldThatNeverSettlesIsStoppedAndTheSessionIsAsItWas() throws {
        let s = Session(seed: 1, preset: "bcp", policy: RunawayTests.looping) // what `set` refuses
        s.eventBudget = 20_000 // the default is 200,000; a test need not wait for it
        #expect(s.execute("login alice").error == nil)
        let before = (trace: s.trace, log: s.log, now: s.world.now, events: s.world.events.count, tokens: s.world.tokenTable())
        let result = s.execute("call alice GET /orders")
        #expect(result.error?.message == "runaway: 20000 events in one command without settling; stopped")
        #expect(s.trace == before.trace && s.log == before.log && s.world.now == before.now)
        #expect(s.world.events.count == before.events && s.world.tokenTable() == before.tokens)
        #expect(s.execute("status").error == nil, "the session goes on")
    }

    @Test func anAttackThatRunsAwayIsReportedAsSuchAndTakenBackWhole() throws {
        let s = Session(seed: 1, preset: "bcp", policy: RunawayTests.looping)
        s.eventBudget = 20_000
        _ = s.execute("login alice")
        let before = s.trace
        #expect(s.execute("attack xss-once").error?.message == "runaway: 20000 events in one command without settling; stopped")
        #expect(s.trace == before && s.world.attackLog.isEmpty)
    }

    @Test func theFrontEndCanInterruptALongCommand() throws {
        let s = Session(seed: 1, preset: "bcp", policy: RunawayTests.looping)
        _ = s.execute("login alice")
        let before = s.trace
        var asked = 0
        s.shouldInterrupt = { asked += 1; return asked == 3 } // Ctrl-C, while the third batch of events runs
        #expect(s.execute("call alice GET /orders").error?.message == "interrupted")
        #expect(asked == 3 && s.trace == before)
        s.shouldInterrupt = nil
        #expect(s.execute("advance 1m").error == nil)
    }

    @Test func advancingPastTheLatestVirtualTimeIsAnErrorNotANoOp() throws {
        let s = try Session(seed: 1)
        #expect(s.execute("advance 999999999d").error?.message == "advance: '999999999d' is more than 100 years")
        #expect(s.execute("advance 36526d").error?.message == "advance: '36526d' is more than 100 years")
        for _ in 0..<10 { #expect(s.execute("advance 36500d").error == nil) }
        let end = s.world.now
        #expect(end == VirtualTime(milliseconds: Duration.days(365_000).milliseconds))
        #expect(s.execute("advance 36500d").error?.message
                == "advance: 36500d from 365000d 00:00:00.000 would pass the latest virtual time (1000 years)")
        #expect(s.world.now == end)
        #expect(s.execute("advance 250d").error == nil && s.world.now == World.latestTime, "up to the limit itself is fine")
        #expect(s.execute("advance 1ms").error != nil)
    }

    @Test func anAttackFailingPartWayLeavesNoTrace() throws {
        let s = try Session(seed: 1)
        for line in Array(repeating: "advance 36500d", count: 10) + ["advance 249d23h30m", "login alice"] {
            #expect(s.execute(line).error == nil, "\(line)")
        }
        let before = (trace: s.trace, log: s.log, events: s.world.events.count)
        // Rounds are 10 minutes apart; the fourth would pass the latest time.
        let result = s.execute("attack xss-once")
        #expect(result.error?.message.hasPrefix("attack xss-once: 'advance 10m' failed: advance: 10m from") == true)
        #expect(s.trace == before.trace && s.log == before.log && s.world.events.count == before.events)
        #expect(s.world.attackLog.isEmpty && s.world.clients.allSatisfy { $0.loot.isEmpty })
    }

    @Test func aHugeLatencyCanNeitherWrapTheClockNorHang() throws {
        let s = try Session(seed: 1)
        #expect(s.execute("set latency 36525d").error == nil)
        var failures = 0
        for _ in 0..<8 {
            let result = s.execute("login alice")
            if let error = result.error {
                failures += 1
                #expect(error.message == "the clock would pass the latest virtual time (1000 years); stopped")
            }
            #expect(s.world.now >= .zero && s.world.now <= World.latestTime)
        }
        #expect(failures > 0, "two hops of 100 years each: the sixth login would end past 1000 years")
    }
}
