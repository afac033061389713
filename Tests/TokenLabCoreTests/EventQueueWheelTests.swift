import Testing
@testable import TokenLabCore

/// A busy queue (thousands pending) moves near-future work onto a timing
/// wheel; the order must stay exactly the plain (time, sequence) order.
@Suite struct EventQueueWheelTests {
    /// 8,000 clients calling every 30 s (the bench's shape), with zero-latency
    /// hops, far-future timers beyond the wheel's 32.768 s, and same-millisecond
    /// ties: every pop is checked against a sorted reference, pop by pop.
    @Test func aBusyQueuePopsInTimeThenInsertionOrder() {
        for seed in UInt64(1)...3 {
            var random = RandomStream(seed: seed, name: "wheel")
            var queue = EventQueue<Int>()
            var reference = SortedReference()
            var now: Int64 = 0
            var label = 0
            func add(_ time: Int64) {
                queue.schedule(label, at: VirtualTime(milliseconds: time))
                reference.add(time: time, label: label)
                label += 1
            }
            for _ in 0..<8_000 { add(Int64(random.next(below: 30_000))) }
            var pops = 0
            while pops < 60_000, let entry = queue.popNext(notAfter: VirtualTime(milliseconds: .max)) {
                let expected = reference.popFirst()
                #expect(entry.payload == expected?.label && entry.time.milliseconds == expected?.time,
                        "seed \(seed), pop \(pops): got \(entry.payload) at \(entry.time.milliseconds), expected \(String(describing: expected))")
                if entry.payload != expected?.label { return }
                now = entry.time.milliseconds
                pops += 1
                switch random.next(below: 10) {
                case 0: add(now) // a zero-latency hop
                case 1: add(now + Int64(random.next(below: 200_000))) // anywhere, often past the wheel
                case 2: add(now + 32_767); add(now + 32_768) // the wheel's last bucket and the first beyond it
                default: add(now + 30_000) // the periodic call
                }
            }
            #expect(queue.count == reference.items.count - reference.head, "seed \(seed)")
        }
    }

    /// A queue that never grows past a few entries never sets up the wheel.
    @Test func aSmallQueueKeepsNoWheel() {
        var queue = EventQueue<Int>()
        for i in 0..<100 { queue.schedule(i, at: VirtualTime(milliseconds: Int64(i * 1000))) }
        while queue.popNext(notAfter: VirtualTime(milliseconds: .max)) != nil {}
        #expect(!queue.wheel.isActive)
    }

    /// Items sorted by (time, label) on demand: labels are insertion order.
    struct SortedReference {
        var items: [(time: Int64, label: Int)] = []
        var head = 0
        mutating func add(time: Int64, label: Int) {
            // Keep the unpopped part sorted: insert in place (binary search).
            var low = head, high = items.count
            while low < high {
                let mid = (low + high) / 2
                if (items[mid].time, items[mid].label) < (time, label) { low = mid + 1 } else { high = mid }
            }
            items.insert((time, label), at: low)
        }
        mutating func popFirst() -> (time: Int64, label: Int)? {
            guard head < items.count else { return nil }
            let first = items[head]
            head += 1
            if head == 4096 { items.removeFirst(head); head = 0 }
            return first
        }
    }
}
