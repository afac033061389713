import TokenLabCore

/// Every piece of stolen or forged material, followed to its end: who used
/// it, when, how often and how far it got, and what stopped it. Material an
/// attacker obtains by using other material (a refresh) belongs to the same
/// chain, so a theft is judged by everything it led to.
struct AttackLog {
    struct Refusal {
        let at: VirtualTime
        let reason: String
        let rule: String
    }

    struct Material {
        let id: String
        let kind: String
        let token: String?
        let origin: String
        let victim: String
        let acquiredAt: VirtualTime
        let root: Int
        var uses: [(what: String, count: Int)] = []
        var successes = 0
        var firstSuccess: VirtualTime?
        var lastSuccess: VirtualTime?
        var highestRole: String?
        /// Refusals in order; what stopped it is the first after its last success.
        var refusals: [Refusal] = []

        var stoppingRefusal: Refusal? {
            guard let last = lastSuccess else { return refusals.first }
            return refusals.first(where: { $0.at > last })
        }
        var derived: [String] = []
    }

    private(set) var materials: [Material] = []
    private var byToken: [String: Int] = [:]
    /// What the victims paid, in order: "alice was logged out ...".
    private(set) var costs: [String] = []
    /// Every session the apps lost, attack or not (`expect usage` reads these).
    private(set) var logouts: [String] = []
    /// Users whose tabs or requests were raced (`race`), in order.
    private var raced: [String] = []
    /// Thefts the world refused, with why: an attack that got nothing is an outcome too.
    private(set) var blocked: [(action: String, why: String, rule: String, at: VirtualTime)] = []

    var isEmpty: Bool { materials.isEmpty && blocked.isEmpty }

    mutating func noteBlocked(_ action: String, why: String, rule: String, at time: VirtualTime) {
        if let last = blocked.last, last.action == action, last.why == why, last.at == time { return }
        blocked.append((action, why, rule, time))
    }

    func index(of token: String) -> Int? { byToken[token] }

    @discardableResult
    mutating func acquire(id: String, kind: String, token: String?, origin: String, victim: String,
                          at time: VirtualTime, derivedFrom parent: Int? = nil, sameTheftAs sibling: Int? = nil) -> Int {
        if let token, let existing = byToken[token] { return existing }
        if token == nil, let existing = materials.firstIndex(where: { $0.token == nil && $0.id == id }) { return existing }
        let index = materials.count
        let root = (parent ?? sibling).map { materials[$0].root } ?? index
        materials.append(Material(id: id, kind: kind, token: token, origin: origin, victim: victim, acquiredAt: time, root: root))
        if let parent { materials[parent].derived.append(id) }
        if let token { byToken[token] = index }
        return index
    }

    mutating func use(_ index: Int, what: String, at time: VirtualTime, succeeded: Bool, role: String? = nil,
                      refusal: (reason: String, rule: String)? = nil) {
        if succeeded {
            materials[index].successes += 1
            if materials[index].firstSuccess == nil { materials[index].firstSuccess = time }
            materials[index].lastSuccess = time
            if let position = materials[index].uses.firstIndex(where: { $0.what == what }) {
                materials[index].uses[position].count += 1
            } else {
                materials[index].uses.append((what, 1))
            }
            if let role, materials[index].highestRole != "admin" { materials[index].highestRole = role }
        } else if let refusal {
            materials[index].refusals.append(Refusal(at: time, reason: refusal.reason, rule: refusal.rule))
        }
    }

    /// What `user` paid: counted only once an attack has touched her (a
    /// theft of her material, or an attempt on her that the world refused),
    /// so her own earlier logouts and other users' are not the attack's cost.
    mutating func noteCost(_ text: String, user: String) {
        if logouts.last != text { logouts.append(text) }
        guard isVictim(user), costs.last != text else { return }
        costs.append(text)
    }

    /// A race (no attacker) puts the user's session at stake as much as an attack.
    mutating func noteRace(user: String) {
        if !raced.contains(user) { raced.append(user) }
    }

    func isVictim(_ user: String) -> Bool {
        raced.contains(user) || materials.contains { $0.victim == user }
            || blocked.contains { $0.action.split(separator: " ").contains { $0 == user || $0 == "\(user)'s" } }
    }
}
