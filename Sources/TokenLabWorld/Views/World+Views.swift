import TokenLabCore
import TokenLabTokens

extension World {
    /// Every token minted, in order: `tokens`.
    func tokenTable() -> [String] {
        guard !ledger.entries.isEmpty else { return ["no tokens yet (login USER mints some)"] }
        let rows = ledger.entries.map { entry -> [String] in
            [entry.id, subject(of: entry), entry.family >= 0 ? "fam\(entry.family + 1)" : "-", entry.issuedAt.clockText,
             expiry(of: entry).clockText, state(of: entry), holders(of: entry.value)]
        }
        // Narrow enough for 80 columns in the common case: the id already says the kind (at, rt, c, ft),
        // and `status` tells where each browser keeps its tokens.
        return TextTable.render(header: ["id", "owner", "fam", "issued", "expires", "state", "held by"], rows: rows)
    }

    /// When the token expires as the auth server sees it now: a refresh
    /// token kept across refreshes (no rotation) has an idle deadline that
    /// slides with each use, while the ledger remembers the first one.
    func expiry(of entry: TokenLedger.Entry) -> VirtualTime {
        guard entry.kind == .refresh, let facts = refreshFacts(of: entry.value) else { return entry.expiresAt }
        return facts.expiresAt
    }

    /// What the auth server knows of a refresh token; for one rotated longer
    /// ago than it remembers, the ledger's record of when it was replaced.
    func refreshFacts(of token: String) -> (family: Int, expiresAt: VirtualTime, rotatedAt: VirtualTime?, absoluteExpiry: VirtualTime)? {
        if let facts = auth.refreshFacts(of: token) { return facts }
        guard let sealed = auth.unseal(token), auth.refreshState(of: sealed, token: token, now: now) != .unknown,
              let entry = ledger.entry(value: token) else { return nil }
        return (sealed.family, entry.expiresAt, ledger.replacementTime(of: token), auth.families[sealed.family].absoluteExpiry)
    }

    /// Whose token it is: the user of its family at the auth server (the
    /// `sub` it was issued for), or a forgery's `sub`; who holds it is
    /// another matter (`holders`). A silent login's tokens are alice's, held by mallory.
    func subject(of entry: TokenLedger.Entry) -> String {
        if entry.family >= 0, entry.family < auth.families.count { return auth.users[auth.families[entry.family].user].name }
        if entry.kind == .forged, let sub = (try? DecodedJWS(entry.value))?.payload["sub"]?.stringValue {
            return sub.count > 12 ? String(sub.prefix(11)) + "…" : sub
        }
        return entry.owner
    }

    func state(of entry: TokenLedger.Entry) -> String {
        switch entry.kind {
        case .code: return codeState(entry)
        case .refresh:
            return auth.refreshState(of: entry.value, now: now).rawValue
        case .access, .forged:
            switch verdictNow(on: entry.value) {
            case .refused(let response):
                return response.rejection?.code ?? (response.description.hasPrefix("inactive") ? "inactive" : "revoked")
            case .accepted:
                return entry.family >= 0 && auth.familyIsRevoked(entry.family) ? "valid (family revoked)" : "valid"
            }
        }
    }

    /// Who holds a token now: a browser that keeps it, and the attacker for
    /// anything she took or was issued.
    func holders(of value: String) -> String {
        let names = clients.filter { $0.access == value || $0.refresh == value || $0.loot.contains { $0.token == value } }.map(\.name)
        return names.isEmpty ? "-" : names.joined(separator: ", ")
    }

    /// `decode`: header, claims with readable times, and what the API would say now.
    func decode(_ reference: String) throws(CommandError) -> [String] {
        let token = try tokenValue(reference)
        let id = shortID(token)
        if let entry = ledger.entry(value: token), entry.kind == .code { return decodeCode(entry) }
        if let entry = ledger.entry(value: token), entry.kind == .refresh {
            return [
                "\(id): an opaque refresh token (\(token.count) characters of base64url: 128 random bits, its family's number and the auth server's MAC over both; only the auth server reads it)",
                "the auth server stores only its SHA-256: \(TokenHash(of: token))",
                "family fam\(entry.family + 1), state \(state(of: entry)), expires \(expiry(of: entry).clockText)",
            ]
        }
        let decoded: DecodedJWS
        do { decoded = try DecodedJWS(token) } catch {
            // The API's verdict comes from the same strict reading, so it refuses too.
            throw CommandError("decode: \(reference) is not a JWS: \(error); \(apiVerdict(on: token))")
        }
        // The compact form first, to copy into any JWT library.
        var lines = ["\(id): \(token)", "header:"] + decoded.header.prettyText.split(separator: "\n").map { "  " + $0 }
        lines.append("claims:")
        lines += decoded.payload.prettyText.split(separator: "\n").map { "  " + $0 }
        for name in ["iat", "nbf", "exp"] {
            // Any JSON number (fractions too), clamped rather than trapping when huge.
            if case .number(let text) = decoded.payload[name], let milliseconds = NumericDate.unixMilliseconds(jsonNumber: text) {
                lines.append("  \(name) = \(text) (\(VirtualTime.fromUnixMilliseconds(milliseconds, epoch: World.epoch).clockText))")
            }
        }
        let alg = decoded.header["alg"]?.stringValue ?? "(none given)"
        let kid = decoded.header["kid"]?.stringValue
        let input = Array(decoded.signingInput.utf8)
        let verdict: String
        if alg == "RS256" {
            let key = RS256Key.lab
            let signature = decoded.signature
            let valid = input.withUnsafeBytes { i in signature.withUnsafeBytes { key.isValidSignature($0, for: i) } }
            verdict = valid ? "valid RS256 signature with the lab key \(key.kid)" : "does NOT verify with \(key.kid)"
        } else if alg.lowercased() == "none" {
            verdict = "alg \(alg): unsigned; only a server that accepts alg none would take it"
        } else if let key = auth.keys.first(where: { $0.kid == kid }) ?? (kid == nil ? auth.keys.first : nil) {
            let valid = input.withUnsafeBytes { i in decoded.signature.withUnsafeBytes { key.isValidSignature($0, for: i) } }
            verdict = valid ? "valid \(alg) signature with key \(key.kid)" : "does NOT verify with key \(key.kid)"
        } else if kid == RS256Key.lab.kid {
            // An HMAC keyed with the RSA public key's bytes: key confusion.
            let confused = RS256Key.lab.confusedHMACKey
            let valid = input.withUnsafeBytes { i in decoded.signature.withUnsafeBytes { confused.isValidSignature($0, for: i) } }
            verdict = valid ? "\(alg) keyed with \(RS256Key.lab.kid)'s public key: it verifies wherever alg may choose how a key is used (key confusion)"
                            : "does NOT verify as \(alg) keyed with \(RS256Key.lab.kid)'s public key"
        } else {
            verdict = "no key with kid \(kid ?? "-")"
        }
        lines.append("signature: \(verdict)")
        lines.append(apiVerdict(on: token))
        return lines
    }

    /// What the API would say about `token` now: the validator's verdict, the one `call` gets.
    private func apiVerdict(on token: String) -> String {
        switch verdictNow(on: token) {
        case .accepted: "the API would accept it now"
        case .refused(let response): "the API would refuse it now: \(response.summary) [\(response.rule ?? "")]"
        }
    }

    func keysText() -> [String] {
        auth.jwkSet.prettyText.split(separator: "\n").map(String.init)
            + ["(a lab key: for HS256 the verification key is the signing secret, so real servers never publish it)"]
    }

    func statusLines() -> [String] {
        let changed = policy.differences(from: Policy.preset(named: presetName) ?? policy).count
        var lines = ["time \(now.clockText)  seed \(seed)  policy \(presetName)\(changed > 0 ? " (+\(changed) changes)" : "")  events \(events.count)  tokens \(ledger.entries.count)"]
        for client in clients {
            if client.isBackend {
                guard let session = client.profile.session else {
                    lines.append("\(client.name) (\(client.user)): no session")
                    continue
                }
                var text = "\(client.name) (\(client.user)'s session \(session)): access \(shortID(client.access)), refresh \(shortID(client.refresh)), server-side"
                if let family = client.family { text += ", fam\(family + 1) " + (auth.familyIsRevoked(family) ? "revoked" : "active") }
                lines.append(text)
                continue
            }
            guard client.access != nil || client.refresh != nil || client.session != nil else {
                lines.append("\(client.name): not logged in")
                continue
            }
            var text = "\(client.name): " + (client.session.map { "session cookie \($0), " } ?? "") + "access \(shortID(client.access))"
            if let expiry = client.accessExpiresAt { text += " (expires \(expiry.clockText) by its clock)" }
            text += client.refresh == nil && client.session != nil ? ", refresh at the backend"
                : ", refresh \(shortID(client.refresh)) in \(client.refreshStorage.rawValue)"
            if let family = client.family { text += ", fam\(family + 1) " + (auth.familyIsRevoked(family) ? "revoked" : "active") }
            lines.append(text)
        }
        return lines
    }
}
