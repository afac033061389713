/// The near future of a busy event queue: one bucket per millisecond for the
/// next 32.768 s (a timing wheel), each bucket a FIFO list of nodes (kept
/// circular, so one index per bucket, its tail, reaches both ends).
///
/// `EventQueue` puts an entry here only while every entry here lies within
/// one turn of the wheel from the queue's current time, so all the entries
/// of one bucket share one time, and they were added in sequence order: a
/// bucket's head is its smallest (time, sequence). The first occupied
/// bucket at or after the current time (two levels of bitmaps find it) holds
/// the wheel's earliest entry. A periodic call that the heap would sift
/// through log2(n) levels costs a few array writes here.
@usableFromInline
struct TimingWheel<Payload> {
    @usableFromInline static var bucketCount: Int64 { 1 << 15 }
    @usableFromInline static var mask: Int64 { bucketCount - 1 }

    @usableFromInline
    struct Node {
        @usableFromInline var time: Int64
        @usableFromInline var sequence: UInt64
        @usableFromInline var payload: Payload?
        /// The next node of the same bucket (the tail's is the head), or of the free list (-1 ends it).
        @usableFromInline var next: Int32

        @inlinable init(time: Int64, sequence: UInt64, payload: Payload?, next: Int32) {
            self.time = time
            self.sequence = sequence
            self.payload = payload
            self.next = next
        }
    }

    /// The last node of each bucket, -1 when empty. Empty until the queue
    /// grows enough to use the wheel (most worlds never do).
    @usableFromInline var tails: [Int32] = []
    /// A bit per bucket (set: occupied), and a bit per word of those (set: nonzero).
    @usableFromInline var occupied: [UInt64] = []
    @usableFromInline var summary: [UInt64] = []
    @usableFromInline var nodes: [Node] = []
    @usableFromInline var freeNode: Int32 = -1
    @usableFromInline var count = 0

    @inlinable init() {}

    @inlinable var isActive: Bool { !tails.isEmpty }

    @inlinable mutating func activate() {
        let buckets = Int(TimingWheel.bucketCount)
        tails = Array(repeating: -1, count: buckets)
        occupied = Array(repeating: 0, count: buckets / 64)
        summary = Array(repeating: 0, count: buckets / 64 / 64)
    }

    @inlinable mutating func insert(time: Int64, sequence: UInt64, payload: Payload) {
        let node: Int32
        if freeNode >= 0 {
            node = freeNode
            freeNode = nodes[Int(node)].next
            nodes[Int(node)] = Node(time: time, sequence: sequence, payload: payload, next: -1)
        } else {
            node = Int32(nodes.count)
            nodes.append(Node(time: time, sequence: sequence, payload: payload, next: -1))
        }
        let bucket = Int(time & TimingWheel.mask)
        let tail = tails[bucket]
        if tail < 0 {
            nodes[Int(node)].next = node
            occupied[bucket >> 6] |= 1 << UInt64(bucket & 63)
            summary[bucket >> 12] |= 1 << UInt64((bucket >> 6) & 63)
        } else {
            nodes[Int(node)].next = nodes[Int(tail)].next
            nodes[Int(tail)].next = node
        }
        tails[bucket] = node
        count += 1
    }

    /// The first occupied bucket at or after `time`'s, going round once.
    @inlinable func firstBucket(from time: Int64) -> Int {
        let start = Int(time & TimingWheel.mask)
        let word = start >> 6
        let here = occupied[word] & (~0 << UInt64(start & 63))
        if here != 0 { return word << 6 | here.trailingZeroBitCount }
        let next = firstWord(atOrAfter: word + 1) ?? firstWord(atOrAfter: 0) ?? word
        return next << 6 | occupied[next].trailingZeroBitCount
    }

    /// The first nonzero word of `occupied` at or after `start`, by the summary.
    @inlinable func firstWord(atOrAfter start: Int) -> Int? {
        var index = start >> 6
        guard index < summary.count else { return nil }
        var bits = summary[index] & (~0 << UInt64(start & 63))
        while bits == 0 {
            index += 1
            guard index < summary.count else { return nil }
            bits = summary[index]
        }
        return index << 6 | bits.trailingZeroBitCount
    }

    /// The earliest entry's node, or nil when the wheel is empty.
    @inlinable func head(from time: Int64) -> Int? {
        guard count > 0 else { return nil }
        return Int(nodes[Int(tails[firstBucket(from: time)])].next)
    }

    /// Removes the head of `node`'s bucket (which must be `node`) and returns its payload.
    @inlinable mutating func removeHead(_ node: Int) -> Payload {
        let bucket = Int(nodes[node].time & TimingWheel.mask)
        let tail = Int(tails[bucket])
        if tail != node {
            nodes[tail].next = nodes[node].next
        } else {
            tails[bucket] = -1
            occupied[bucket >> 6] &= ~(1 << UInt64(bucket & 63))
            if occupied[bucket >> 6] == 0 { summary[bucket >> 12] &= ~(1 << UInt64((bucket >> 6) & 63)) }
        }
        // `take()` moves the payload out; the node joins the free list.
        guard let payload = nodes[node].payload.take() else { preconditionFailure("a wheel node without a payload") }
        nodes[node].next = freeNode
        freeNode = Int32(node)
        count -= 1
        return payload
    }
}
