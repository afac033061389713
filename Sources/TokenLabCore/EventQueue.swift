import HeapModule

/// Pending work ordered by ready time, then by insertion order.
///
/// The sequence number is part of the comparison because `Heap` is not
/// stable: two events due at the same millisecond run in the order they were
/// scheduled, never in an order that depends on the heap's layout.
///
/// Three places hold entries, each in (time, sequence) order on its own,
/// and `popNext` takes the smallest of their heads, so the order is exactly
/// one heap's:
/// - work scheduled for the current instant (a zero-latency hop) goes to a
///   FIFO: those entries are already in order;
/// - once the queue is busy (thousands of clients calling every few
///   seconds), work due within the next 32 s goes to a timing wheel
///   (TimingWheel), which a periodic call crosses in a few array writes;
/// - everything else goes to the heap.
/// `@inlinable` so that callers in other modules get a specialized queue.
public struct EventQueue<Payload> {
    public struct Entry {
        public let time: VirtualTime
        public let sequence: UInt64
        public let payload: Payload

        @inlinable init(time: VirtualTime, sequence: UInt64, payload: Payload) {
            self.time = time
            self.sequence = sequence
            self.payload = payload
        }
    }

    @usableFromInline
    struct Slot: Comparable {
        @usableFromInline let time: Int64
        @usableFromInline let sequence: UInt64
        @usableFromInline let payload: Payload

        @inlinable init(time: Int64, sequence: UInt64, payload: Payload) {
            self.time = time
            self.sequence = sequence
            self.payload = payload
        }

        @inlinable static func < (a: Slot, b: Slot) -> Bool {
            a.time != b.time ? a.time < b.time : a.sequence < b.sequence
        }

        @inlinable static func == (a: Slot, b: Slot) -> Bool { a.time == b.time && a.sequence == b.sequence }
    }

    @usableFromInline var heap = Heap<Slot>()
    /// Entries due at `current`, in insertion order, from `fifoHead` on.
    @usableFromInline var fifo: [Slot] = []
    @usableFromInline var fifoHead = 0
    @usableFromInline var wheel = TimingWheel<Payload>()
    /// The time of the last entry popped: "now" for the FIFO and the wheel.
    @usableFromInline var current = Int64.min
    @usableFromInline var nextSequence: UInt64 = 0

    /// Heap entries beyond which the wheel is set up (its 132 KB pay off).
    @usableFromInline static var wheelThreshold: Int { 2048 }

    @inlinable public init() {}

    @inlinable public var count: Int { heap.count + fifo.count - fifoHead + wheel.count }
    @inlinable public var isEmpty: Bool { count == 0 }
    @inlinable public var nextTime: VirtualTime? { peek().map { VirtualTime(milliseconds: $0.time) } }

    /// Where the earliest entry is.
    @usableFromInline
    enum Source { case fifo, heap, wheel(node: Int) }

    /// The earliest entry's time and place, or nil when the queue is empty.
    @inlinable func peek() -> (time: Int64, source: Source)? {
        var best: (time: Int64, sequence: UInt64, source: Source)?
        if fifoHead < fifo.count { best = (fifo[fifoHead].time, fifo[fifoHead].sequence, .fifo) }
        if let top = heap.min, best.map({ (top.time, top.sequence) < ($0.time, $0.sequence) }) ?? true {
            best = (top.time, top.sequence, .heap)
        }
        if let node = wheel.head(from: current) {
            let time = wheel.nodes[node].time, sequence = wheel.nodes[node].sequence
            if best.map({ (time, sequence) < ($0.time, $0.sequence) }) ?? true { best = (time, sequence, .wheel(node: node)) }
        }
        return best.map { ($0.time, $0.source) }
    }

    /// Schedules `payload` at `time` and returns its sequence number.
    @inlinable @discardableResult
    public mutating func schedule(_ payload: Payload, at time: VirtualTime) -> UInt64 {
        let sequence = nextSequence
        nextSequence += 1
        let milliseconds = time.milliseconds
        if milliseconds == current {
            fifo.append(Slot(time: milliseconds, sequence: sequence, payload: payload))
        } else if wheel.isActive, current >= 0, milliseconds > current, milliseconds - current < TimingWheel<Payload>.bucketCount {
            wheel.insert(time: milliseconds, sequence: sequence, payload: payload)
        } else {
            heap.insert(Slot(time: milliseconds, sequence: sequence, payload: payload))
            if !wheel.isActive, heap.count >= EventQueue.wheelThreshold { wheel.activate() }
        }
        return sequence
    }

    /// Removes and returns the earliest entry if it is due at or before `limit`.
    @inlinable
    public mutating func popNext(notAfter limit: VirtualTime) -> Entry? {
        guard let (time, source) = peek(), time <= limit.milliseconds else { return nil }
        let entry: Entry
        switch source {
        case .fifo:
            let slot = fifo[fifoHead]
            fifoHead += 1
            if fifoHead == fifo.count { fifo.removeAll(keepingCapacity: true); fifoHead = 0 }
            entry = Entry(time: VirtualTime(milliseconds: slot.time), sequence: slot.sequence, payload: slot.payload)
        case .heap:
            let slot = heap.removeMin()
            entry = Entry(time: VirtualTime(milliseconds: slot.time), sequence: slot.sequence, payload: slot.payload)
        case .wheel(let node):
            let sequence = wheel.nodes[node].sequence
            entry = Entry(time: VirtualTime(milliseconds: time), sequence: sequence, payload: wheel.removeHead(node))
        }
        // When time moves on, every FIFO entry was due earlier, so the FIFO is empty.
        current = time
        return entry
    }
}
