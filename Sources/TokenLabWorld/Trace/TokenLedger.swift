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
    private var byValue: [String: Int] = [:]
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
        byValue[value] = entries.count
        entries.append(Entry(id: id, kind: kind, owner: owner, family: family, issuedAt: issuedAt, expiresAt: expiresAt, value: value))
        return id
    }

    func id(of value: String) -> String? { byValue[value].map { entries[$0].id } }

    func entry(id: String) -> Entry? { entries.first(where: { $0.id == id }) }

    func entry(value: String) -> Entry? { byValue[value].map { entries[$0] } }

    var ids: [String] { entries.map(\.id) }

    /// When a refresh token was replaced: the issue time of the next refresh
    /// token of its family, if the ledger holds one.
    func replacementTime(of value: String) -> VirtualTime? {
        guard let index = byValue[value], entries[index].kind == .refresh, entries[index].family >= 0 else { return nil }
        let family = entries[index].family
        return entries[(index + 1)...].first { $0.kind == .refresh && $0.family == family }?.issuedAt
    }
}
