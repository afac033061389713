import HeapModule

/// Pending work ordered by ready time, then by insertion order.
///
/// The sequence number is part of the comparison because `Heap` is not
/// stable: two events due at the same millisecond run in the order they were
/// scheduled, never in an order that depends on the heap's layout.
///
/// Work scheduled for the current instant (a zero-latency hop) goes to a
/// FIFO instead of the heap: those entries are already in (time, sequence)
/// order, and `popNext` takes whichever head is smaller, so the order is
/// exactly the heap's, without its cost. `@inlinable` so that callers in
/// other modules get a specialized queue.
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
    /// The time of the last entry popped: "now" for the FIFO.
    @usableFromInline var current = Int64.min
    @usableFromInline var nextSequence: UInt64 = 0

    @inlinable public init() {}

    @inlinable public var count: Int { heap.count + fifo.count - fifoHead }
    @inlinable public var isEmpty: Bool { count == 0 }
    @inlinable public var nextTime: VirtualTime? { nextSlot.map { VirtualTime(milliseconds: $0.time) } }

    @inlinable var nextSlot: Slot? {
        let fromFIFO = fifoHead < fifo.count ? fifo[fifoHead] : nil
        guard let fromHeap = heap.min else { return fromFIFO }
        guard let fromFIFO else { return fromHeap }
        return fromFIFO < fromHeap ? fromFIFO : fromHeap
    }

    /// Schedules `payload` at `time` and returns its sequence number.
    @inlinable @discardableResult
    public mutating func schedule(_ payload: Payload, at time: VirtualTime) -> UInt64 {
        let sequence = nextSequence
        nextSequence += 1
        let slot = Slot(time: time.milliseconds, sequence: sequence, payload: payload)
        if time.milliseconds == current { fifo.append(slot) } else { heap.insert(slot) }
        return sequence
    }

    /// Removes and returns the earliest entry if it is due at or before `limit`.
    @inlinable
    public mutating func popNext(notAfter limit: VirtualTime) -> Entry? {
        let fromFIFO = fifoHead < fifo.count
        let slot: Slot
        if fromFIFO, heap.min.map({ fifo[fifoHead] < $0 }) ?? true {
            guard fifo[fifoHead].time <= limit.milliseconds else { return nil }
            slot = fifo[fifoHead]
            fifoHead += 1
            if fifoHead == fifo.count { fifo.removeAll(keepingCapacity: true); fifoHead = 0 }
        } else {
            guard let first = heap.min, first.time <= limit.milliseconds else { return nil }
            slot = heap.removeMin()
        }
        if slot.time != current {
            // Time moved on: every FIFO entry was due earlier, so the FIFO is empty.
            current = slot.time
        }
        return Entry(time: VirtualTime(milliseconds: slot.time), sequence: slot.sequence, payload: slot.payload)
    }
}
