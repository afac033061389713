import Testing
@testable import TokenLabCore

/// Like swift-nio's EmbeddedEventLoop: work runs by ready time, then in the
/// order it was scheduled; nothing runs past the time it is told.
@Suite struct EventQueueTests {
    @Test func sameTimeRunsInInsertionOrderAndEarlierTimesFirst() {
        var queue = EventQueue<String>()
        for i in 0..<50 { queue.schedule("t10-\(i)", at: VirtualTime(milliseconds: 10)) }
        queue.schedule("t5", at: VirtualTime(milliseconds: 5))
        queue.schedule("t10-last", at: VirtualTime(milliseconds: 10))
        var order: [String] = []
        while let entry = queue.popNext(notAfter: VirtualTime(milliseconds: 100)) { order.append(entry.payload) }
        #expect(order == ["t5"] + (0..<50).map { "t10-\($0)" } + ["t10-last"])
    }

    @Test func nothingRunsPastTheLimit() {
        var queue = EventQueue<Int>()
        queue.schedule(1, at: VirtualTime(milliseconds: 10))
        queue.schedule(2, at: VirtualTime(milliseconds: 11))
        #expect(queue.popNext(notAfter: VirtualTime(milliseconds: 9)) == nil)
        #expect(queue.popNext(notAfter: VirtualTime(milliseconds: 10))?.payload == 1)
        #expect(queue.popNext(notAfter: VirtualTime(milliseconds: 10)) == nil)
        #expect(queue.count == 1)
    }
}

@Suite struct RandomStreamTests {
    @Test func sameSeedAndNameGiveTheSameSequence() {
        var a = RandomStream(seed: 42, name: "auth")
        var b = RandomStream(seed: 42, name: "auth")
        #expect((0..<100).map { _ in a.next() } == (0..<100).map { _ in b.next() })
    }

    @Test func streamsAreIndependentOfEachOther() {
        var auth = RandomStream(seed: 42, name: "auth")
        var attacker = RandomStream(seed: 42, name: "attacker")
        #expect(auth.next() != attacker.next())
        var other = RandomStream(seed: 43, name: "auth")
        var again = RandomStream(seed: 42, name: "auth")
        #expect(other.next() != again.next())
    }

    @Test func knownFirstOutputsPinTheAlgorithm() {
        // SplitMix64 from state 0 (reference values from Vigna's splitmix64.c).
        var mixer = SplitMix64(state: 0)
        #expect(mixer.next() == 0xE220_A839_7B1D_CDAF)
        #expect(mixer.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func boundedDrawsStayInRange() {
        var random = RandomStream(seed: 1, name: "x")
        for bound in [1, 2, 3, 7, 30_000, UInt64.max] as [UInt64] {
            for _ in 0..<1000 { #expect(random.next(below: bound) < bound) }
        }
    }
}

@Suite struct DurationTests {
    @Test func roughTextKeepsTheTwoLargestUnitsAndSaysWhenItDroppedSome() {
        #expect(Duration(milliseconds: 2_591_999_940).roughText == "~29d23h")
        #expect(Duration.minutes(90).roughText == "1h30m")
        #expect(Duration.milliseconds(20).roughText == "20ms")
        #expect(Duration(milliseconds: 1_200_580).roughText == "20m580ms")
        #expect(Duration.zero.roughText == "0s")
    }

    @Test func parsesTheUnitsTheCommandLanguageUses() {
        #expect(Duration(parsing: "250ms") == .milliseconds(250))
        #expect(Duration(parsing: "90s") == .seconds(90))
        #expect(Duration(parsing: "5m") == .minutes(5))
        #expect(Duration(parsing: "2h") == .hours(2))
        #expect(Duration(parsing: "30d") == .days(30))
        #expect(Duration(parsing: "1h30m") == .minutes(90))
        for bad in ["", "5", "m", "-5m", "1.5h", "5 m", "5mm", "99999999999999d"] {
            #expect(Duration(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func refusesAnythingBeyondAHundredYearsAndSaysSo() {
        #expect(Duration.parse("36525d") == .success(.days(36_525)))
        #expect(Duration.parse("36500d23h59m59s999ms") == .success(Duration(milliseconds: Duration.days(36_501).milliseconds - 1)))
        for long in ["36525d1ms", "36526d", "999999999d", "99999999999999999999999999d", "36525d36525d"] {
            #expect(Duration.parse(long) == .failure(.beyondMaximum), "\(long)")
            #expect(Duration(parsing: long) == nil, "\(long)")
        }
        for bad in ["", "5", "-5m", "5mm", "99999999999999999999x"] {
            #expect(Duration.parse(bad) == .failure(.notADuration), "\(bad)")
        }
    }

    @Test func printsTheShortestExactSpelling() {
        #expect(Duration.seconds(90).text == "1m30s")
        #expect(Duration.milliseconds(20).text == "20ms")
        #expect(Duration.days(1).text == "1d")
        #expect(VirtualTime(milliseconds: 300_020).clockText == "00:05:00.020")
        #expect(VirtualTime(milliseconds: 90_000_000).shortClockText == "1d 01:00:00")
    }
}

@Suite struct EventQueueOrderTests {
    /// The FIFO for "now" must give exactly the order a plain (time, sequence) sort gives.
    @Test func randomSchedulesPopInTimeThenInsertionOrder() {
        var random = RandomStream(seed: 12, name: "queue")
        for round in 0..<200 {
            var queue = EventQueue<Int>()
            var expected: [(Int64, Int)] = []
            var popped: [Int] = []
            var now: Int64 = 0
            var label = 0
            for _ in 0..<200 {
                if random.next(below: 3) == 0, let entry = queue.popNext(notAfter: VirtualTime(milliseconds: .max)) {
                    popped.append(entry.payload)
                    now = entry.time.milliseconds
                } else {
                    let delay = [0, 0, 0, 1, 5][Int(random.next(below: 5))]
                    queue.schedule(label, at: VirtualTime(milliseconds: now + Int64(delay)))
                    expected.append((now + Int64(delay), label))
                    label += 1
                }
            }
            while let entry = queue.popNext(notAfter: VirtualTime(milliseconds: .max)) { popped.append(entry.payload) }
            // Replay the same pops against a sorted reference.
            var reference = EventQueueReference()
            var check: [Int] = []
            var i = 0
            for item in expected { reference.add(item.0, item.1) ; _ = i; i += 1 }
            check = reference.all()
            #expect(popped.count == check.count, "round \(round)")
            #expect(Set(popped) == Set(check), "round \(round)")
            #expect(isTimeThenInsertionOrdered(popped, times: Dictionary(uniqueKeysWithValues: expected.map { ($0.1, $0.0) })), "round \(round)")
        }
    }

    func isTimeThenInsertionOrdered(_ labels: [Int], times: [Int: Int64]) -> Bool {
        // Popped labels never go back in time, and within one time, labels (insertion order) rise.
        for (a, b) in zip(labels, labels.dropFirst()) {
            guard let ta = times[a], let tb = times[b] else { return false }
            if tb < ta || (tb == ta && b < a) { return false }
        }
        return true
    }
}

struct EventQueueReference {
    var items: [(Int64, Int)] = []
    mutating func add(_ time: Int64, _ label: Int) { items.append((time, label)) }
    func all() -> [Int] { items.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map(\.1) }
}
