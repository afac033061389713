import TokenLabCore
import TokenLabTokens

/// One stored refresh token: its SHA-256 and its place in a family. 64 bytes,
/// no references, so that 100,000 of them cost 6 MiB and no retains.
struct RefreshRecord {
    static let notRotated = Int64.min

    let hash: TokenHash
    var expiresAt: VirtualTime
    /// When it was rotated, or `notRotated`.
    var rotatedAtMilliseconds = RefreshRecord.notRotated
    let family: Int32
    let generation: Int32
    /// The next newer record of the same family, or -1.
    var newer: Int32 = -1

    var rotatedAt: VirtualTime? {
        rotatedAtMilliseconds == RefreshRecord.notRotated ? nil : VirtualTime(milliseconds: rotatedAtMilliseconds)
    }
}

/// The auth server's refresh-token table: records in a slab with a free
/// list, found by hash. The index is keyed by the hash's first 64 bits (a
/// smaller table); the full hash is always compared, and the rare prefix
/// collision goes to a second table keyed by the whole hash.
struct RefreshTokenStore {
    private var records: [RefreshRecord] = []
    private var free: [Int32] = []
    private var byPrefix: [UInt64: Int32] = [:]
    private var collisions: [TokenHash: Int32] = [:]

    func slot(of hash: TokenHash) -> Int? {
        if let slot = byPrefix[hash.words.0], records[Int(slot)].hash == hash { return Int(slot) }
        return collisions[hash].map(Int.init)
    }

    subscript(slot: Int) -> RefreshRecord {
        get { records[slot] }
        _modify { yield &records[slot] }
    }

    mutating func insert(_ record: RefreshRecord) -> Int {
        let slot: Int
        if let reused = free.popLast() { slot = Int(reused); records[slot] = record }
        else { slot = records.count; records.append(record) }
        if let existing = byPrefix[record.hash.words.0], existing != Int32(slot) {
            collisions[record.hash] = Int32(slot)
        } else {
            byPrefix[record.hash.words.0] = Int32(slot)
        }
        return slot
    }

    mutating func remove(_ slot: Int) {
        let hash = records[slot].hash
        if collisions.removeValue(forKey: hash) == nil { byPrefix[hash.words.0] = nil }
        free.append(Int32(slot))
    }
}
