import TokenLabCore

/// The attacker is modelled by her knowledge, as the formal tools (SPAN,
/// Tamarin) model an intruder: each item she holds, how and when she got
/// it. She presents only what she holds (stolen, forged, obtained with
/// stolen material, minted for her, or pasted by the learner), keeps it
/// after a refusal (a browser drops a dead session; an attacker does not),
/// and nothing she is told says "log in again".
extension World {
    var attackerIndex: Int? { clients.firstIndex(where: \.isAttacker) }

    /// Everything she gains goes through here. What she presents by default
    /// is the latest item of each kind.
    func attackerTakes(token: String, kind: TokenLedger.Kind, how: String, victim: String, expiresAt: VirtualTime? = nil) {
        guard let thief = attackerIndex else { return }
        let client = clients[thief]
        if !client.loot.contains(where: { $0.token == token }) {
            client.loot.append(StolenItem(token: token, victim: victim, capability: how, at: now))
        }
        switch kind {
        case .access, .forged:
            client.access = token
            client.accessExpiresAt = expiresAt ?? ledger.entry(value: token)?.expiresAt
        case .refresh:
            client.refresh = token
        case .code:
            break
        }
    }

    func attackerHolds(_ token: String) -> Bool {
        attackerIndex.map { clients[$0].loot.contains(where: { $0.token == token }) } ?? false
    }

    /// "at1, rt1, ft1", or "nothing", for one-line refusals.
    var attackerHoldings: String {
        guard let thief = attackerIndex, !clients[thief].loot.isEmpty else { return "nothing" }
        return clients[thief].loot.map { shortID($0.token) }.joined(separator: ", ")
    }

    /// An attack the world refused: an outcome the report keeps and the story prints.
    func attackBlocked(_ action: String, why: String, rule: String) {
        attackLog.noteBlocked(action, why: why, rule: rule, at: now)
        record(.security, from: World.attacker, action, "nothing: \(why)", rule: rule)
    }

    /// A well-formed step the world makes impossible (she has nothing to
    /// present, the victim holds nothing): an outcome in the story, so
    /// scripts, compare and the matrix go on.
    func refusedStep(by party: String, _ action: String, _ why: String) {
        record(.client, from: party, action, "refused step: \(why)")
    }

    /// The token she presents for `reference` (a short id or a pasted JWT),
    /// or why she cannot: she may present only what she holds.
    func attackerToken(_ reference: String) -> Result<String, CommandError> {
        if reference.contains(".") {
            // Pasted by the learner: from now on she holds it.
            if !attackerHolds(reference) {
                let victim = ledger.entry(value: reference)?.owner ?? "?"
                if let id = ledger.id(of: reference), attackLog.index(of: reference) == nil {
                    attackLog.acquire(id: id, kind: "pasted access", token: reference, origin: "pasted by the learner", victim: victim, at: now)
                } else if attackLog.index(of: reference) == nil {
                    attackLog.acquire(id: shortID(reference), kind: "pasted access", token: reference, origin: "pasted by the learner",
                                      victim: victim, at: now)
                }
                attackerTakes(token: reference, kind: .access, how: "pasted", victim: victim)
            }
            return .success(reference)
        }
        guard let entry = ledger.entry(id: reference) else {
            return .failure(CommandError("unknown token '\(reference)'; mallory holds: \(attackerHoldings)"))
        }
        guard attackerHolds(entry.value) else {
            return .failure(CommandError("mallory does not hold \(reference); she holds: \(attackerHoldings)"))
        }
        return .success(entry.value)
    }
}
