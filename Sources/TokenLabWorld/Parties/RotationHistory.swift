import TokenLabCore

/// The last few rotations of one refresh family: when each of its most
/// recently replaced tokens was rotated, and when it would have expired on
/// its own. A fixed eight entries inline, no heap: a family costs the same
/// after a year of refreshes as after one.
///
/// Reuse detection needs none of it (a rotated token names its family and
/// generation under the server's MAC, RFC 9700 §4.14.2's implementation
/// note); the grace period needs the previous token's rotation time, and the
/// narrator says "rotated at 00:15:00" while it still knows.
struct RotationHistory {
    static let capacity = 8

    struct Rotation {
        var generation: Int32 = 0
        var rotatedAt: VirtualTime = .zero
        var expiresAt: VirtualTime = .zero
    }

    private var entries = InlineArray<8, Rotation>(repeating: Rotation())

    /// Remembers that `generation`'s token was replaced at `rotatedAt`.
    mutating func record(generation: Int32, rotatedAt: VirtualTime, expiresAt: VirtualTime) {
        entries[Int(generation) % RotationHistory.capacity] = Rotation(generation: generation, rotatedAt: rotatedAt, expiresAt: expiresAt)
    }

    /// The rotation of `generation`, if it is among the last eight.
    subscript(generation: Int32) -> Rotation? {
        guard generation > 0 else { return nil }
        let entry = entries[Int(generation) % RotationHistory.capacity]
        return entry.generation == generation ? entry : nil
    }
}
