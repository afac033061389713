import HeapModule

/// Pending work ordered by ready time, then by insertion order.
///
/// The sequence number is part of the comparison because `Heap` is not
/// stable: two events due at the same millisecond run in the order they were
/// scheduled, never in an order that depends on the heap's layout.
/// `@inlinable` so that callers in other modules get a specialized heap.
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
    @usableFromInline var nextSequence: UInt64 = 0

    @inlinable public init() {}

    @inlinable public var count: Int { heap.count }
    @inlinable public var isEmpty: Bool { heap.isEmpty }
    @inlinable public var nextTime: VirtualTime? { heap.min.map { VirtualTime(milliseconds: $0.time) } }

    /// Schedules `payload` at `time` and returns its sequence number.
    @inlinable @discardableResult
    public mutating func schedule(_ payload: Payload, at time: VirtualTime) -> UInt64 {
        let sequence = nextSequence
        nextSequence += 1
        heap.insert(Slot(time: time.milliseconds, sequence: sequence, payload: payload))
        return sequence
    }

    /// Removes and returns the earliest entry if it is due at or before `limit`.
    @inlinable
    public mutating func popNext(notAfter limit: VirtualTime) -> Entry? {
        guard let first = heap.min, first.time <= limit.milliseconds else { return nil }
        let slot = heap.removeMin()
        return Entry(time: VirtualTime(milliseconds: slot.time), sequence: slot.sequence, payload: slot.payload)
    }
}
