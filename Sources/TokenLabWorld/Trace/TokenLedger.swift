import TokenLabCore

/// The narrator's book of every token minted, in order, with short ids.
/// Servers keep their own state; this exists only to name and list tokens.
struct TokenLedger {
    enum Kind: String { case access, refresh, forged, code }

    struct Entry {
        let id: String
        let kind: Kind
        let owner: String
        let family: Int
        let issuedAt: VirtualTime
        let expiresAt: VirtualTime
        let value: String
    }

    private(set) var entries: [Entry] = []
    /// The latest entry whose value ends in each eight bytes (see `tail`),
    /// and for each entry the one before it with the same tail, or -1.
    /// Every value minted ends in random characters, so chains are a step
    /// long; keying by the tail spares hashing a whole JWT at every mint and
    /// every `shortID`, and each candidate is still compared in full.
    private var latestByTail: [UInt64: Int] = [:]
    private var sameTailBefore: [Int] = []
    private var accessCount = 0
    private var refreshCount = 0
    private var forgedCount = 0
    private var codeCount = 0

    mutating func add(_ kind: Kind, value: String, owner: String, family: Int, issuedAt: VirtualTime, expiresAt: VirtualTime) -> String {
        let id: String
        switch kind {
        case .access: accessCount += 1; id = "at\(accessCount)"
        case .refresh: refreshCount += 1; id = "rt\(refreshCount)"
        case .forged: forgedCount += 1; id = "ft\(forgedCount)"
        case .code: codeCount += 1; id = "c\(codeCount)"
        }
        let key = TokenLedger.tail(of: value)
        sameTailBefore.append(latestByTail.updateValue(entries.count, forKey: key) ?? -1)
        entries.append(Entry(id: id, kind: kind, owner: owner, family: family, issuedAt: issuedAt, expiresAt: expiresAt, value: value))
        return id
    }

    func id(of value: String) -> String? { index(of: value).map { entries[$0].id } }

    /// The latest entry with this value, as a dictionary keyed by value would keep it.
    private func index(of value: String) -> Int? {
        var candidate = latestByTail[TokenLedger.tail(of: value)] ?? -1
        while candidate >= 0 {
            if entries[candidate].value == value { return candidate }
            candidate = sameTailBefore[candidate]
        }
        return nil
    }

    /// The value's last eight bytes (all of them when shorter) and its length.
    static func tail(of value: String) -> UInt64 {
        var value = value
        return value.withUTF8 { bytes in
            var key = UInt64(truncatingIfNeeded: bytes.count) &* 0x9E37_79B9_7F4A_7C15
            for byte in bytes.suffix(8) { key = key << 8 ^ key >> 56 ^ UInt64(byte) }
            return key
        }
    }

    func entry(id: String) -> Entry? { entries.first(where: { $0.id == id }) }

    func entry(value: String) -> Entry? { index(of: value).map { entries[$0] } }

    var ids: [String] { entries.map(\.id) }

    /// When a refresh token was replaced: the issue time of the next refresh
    /// token of its family, if the ledger holds one.
    func replacementTime(of value: String) -> VirtualTime? {
        guard let position = index(of: value), entries[position].kind == .refresh, entries[position].family >= 0 else { return nil }
        let family = entries[position].family
        return entries[(position + 1)...].first { $0.kind == .refresh && $0.family == family }?.issuedAt
    }
}
