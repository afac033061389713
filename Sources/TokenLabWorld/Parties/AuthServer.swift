import TokenLabCore
import TokenLabTokens

public struct User: Sendable {
    public let name: String
    public let password: String
    public let role: String
    public let scope: String
}

/// An OAuth error response (RFC 6749 §5.2) with the rule behind it.
public struct OAuthError: Sendable, Equatable {
    public var status = 400
    public var code = "invalid_grant"
    public var description: String
    public var rule: String
}

/// What a successful token request hands back (RFC 6749 §5.1).
public struct IssuedTokens: Sendable {
    public var access: String
    public var accessTokenID: String
    public var accessExpiresAt: VirtualTime
    public var expiresIn: Int64
    /// Nil when the refresh token is kept (no rotation): the client keeps its own.
    public var refresh: String?
    public var refreshExpiresAt: VirtualTime?
    public var family: Int
    /// Set when a rotated token was accepted inside the grace period.
    public var acceptedInGrace = false
}

public enum TokenResult: Sendable {
    case issued(IssuedTokens)
    case refused(OAuthError)
}

/// A refresh family: every refresh token descended from one login. Only
/// its current token is stored, as a hash (RFC 6819 §5.1.4.1.3); each token
/// carries its family and generation under the server's MAC, so an earlier
/// one is recognised without keeping it.
struct RefreshFamily {
    let user: Int
    let sessionID: String
    let clientID: String
    let rootIssuedAt: VirtualTime
    /// Fixed at login: rotation never extends it.
    let absoluteExpiry: VirtualTime
    /// The current token's generation: 1 for the login's, one more per rotation.
    var generation: Int32 = 0
    var currentHash = TokenHash(words: (0, 0, 0, 0))
    /// The current token's expiry: idle (sliding when kept) or absolute.
    var currentExpiresAt: VirtualTime = .zero
    var rotations = RotationHistory()
    var revoked: (at: VirtualTime, reason: String)?
    /// The DPoP key every token of the family is bound to (RFC 9449 §5), if any.
    var boundKey: String?
    /// The `jti` and `exp` of its access tokens not yet expired: ids, not the
    /// tokens, so that ending a user's sessions can denylist them (World+Defender).
    var accessTokenIDs: [(id: String, expiresAt: Int64)] = []
}

/// The state of a refresh token as the auth server sees it.
public enum RefreshTokenState: String, Sendable {
    case valid, expired, rotated, revoked, unknown
}

/// The authorization server: authorization code (with PKCE), password and refresh grants, logout,
/// revocation (RFC 7009) and introspection (RFC 7662).
public final class AuthServer {
    public static let issuer = "https://auth.tokenlab.test"
    public static let apiAudience = "https://api.tokenlab.test"

    public internal(set) var keys: [HS256Key]
    private(set) var users: [User]
    /// Each name's first index in `users`: a login looks its user up here,
    /// not by a scan (the bench's 10,000 logins made that quadratic).
    private var userIndexByName: [String: Int] = [:]
    var families: [RefreshFamily] = []
    private var familyBySession: [String: Int] = [:]
    /// Revoked access-token ids with their expiry; consulted when the policy has a denylist.
    private(set) var denylist: [String: Int64] = [:]
    /// When each access-token id was denylisted and each key retired: what
    /// the report needs to say until when a token stayed usable.
    private(set) var denylistedAt: [String: VirtualTime] = [:]
    var retiredAt: [String: VirtualTime] = [:]
    private var tokenIDs: RandomStream
    var refreshSecrets: RandomStream
    /// Seals the family and generation into each refresh token (RFC 9700
    /// §4.14.2, implementation note): the server keeps only each family's
    /// current token, and the reuse of any earlier one is still recognised.
    let refreshSeal: HS256Key
    private var sessionIDs: RandomStream
    /// Authorization codes by value (AuthServer+Authorization), and where their values come from.
    var codes: [String: AuthorizationCode] = [:]
    var codeValues: RandomStream
    var minter: AccessTokenMinter
    var validator: AccessTokenValidator

    var keyStream: RandomStream
    var keysMade = 1

    init(seed: UInt64, users: [User]) {
        keyStream = RandomStream(seed: seed, name: "auth.keys")
        let key = HS256Key(kid: "k1", secret: keyStream.bytes(32))
        keys = [key]
        self.users = []
        tokenIDs = RandomStream(seed: seed, name: "auth.jti")
        refreshSecrets = RandomStream(seed: seed, name: "auth.refresh")
        var sealStream = RandomStream(seed: seed, name: "auth.refresh.seal")
        refreshSeal = HS256Key(kid: "refresh-seal", secret: sealStream.bytes(32))
        sessionIDs = RandomStream(seed: seed, name: "auth.sid")
        codeValues = RandomStream(seed: seed, name: "auth.code")
        minter = AccessTokenMinter(key: key)
        var rules = ValidationRules(issuer: AuthServer.issuer, audience: AuthServer.apiAudience, keys: keys)
        rules.checksAudience = false
        rules.rsaKeys = [RS256Key.lab]
        rules.allowedAlgorithms = ["HS256", "RS256"]
        validator = AccessTokenValidator(rules: rules)
        // Sized once: growing a 10,000-name table step by step left its old tables in the peak memory.
        userIndexByName.reserveCapacity(users.count)
        // One session per user to start with, for the same reason: a doubling
        // array holds its old and new storage at once.
        families.reserveCapacity(users.count)
        codes.reserveCapacity(users.count)
        for user in users { addUser(user) }
    }

    /// An independent copy for a world snapshot: the validator, the only
    /// reference it holds, is rebuilt from the same rules.
    init(copying other: AuthServer) {
        keys = other.keys
        users = other.users
        userIndexByName = other.userIndexByName
        families = other.families
        familyBySession = other.familyBySession
        denylist = other.denylist
        denylistedAt = other.denylistedAt
        retiredAt = other.retiredAt
        codes = other.codes
        codeValues = other.codeValues
        tokenIDs = other.tokenIDs
        refreshSecrets = other.refreshSecrets
        refreshSeal = other.refreshSeal
        sessionIDs = other.sessionIDs
        minter = other.minter
        validator = AccessTokenValidator(rules: other.validator.rules)
        keyStream = other.keyStream
        keysMade = other.keysMade
    }

    /// The verification keys as a JWK Set (RFC 7517 §5): the HS256 lab
    /// secrets and the RS256 lab public key.
    public var jwkSet: JSONValue { .object(["keys": .array(keys.map(\.jwk) + [RS256Key.lab.jwk])]) }

    func userIndex(named name: String) -> Int? { userIndexByName[name] }

    /// A new account (signup); a name already taken keeps its first user, as a scan would find.
    func addUser(_ user: User) {
        if userIndexByName[user.name] == nil { userIndexByName[user.name] = users.count }
        users.append(user)
    }

    // MARK: Grants

    /// Resource owner password credentials grant (RFC 6749 §4.3).
    func passwordGrant(user name: String, password: String, clientID: String, proof: String?, now: VirtualTime,
                       policy: Policy) -> TokenResult {
        guard let user = userIndex(named: name), users[user].password == password else {
            return .refused(OAuthError(description: "wrong username or password", rule: "RFC 6749 §5.2"))
        }
        let boundKey: String?
        switch checkProof(proof, now: now, policy: policy, boundTo: nil) {
        case .refused(let error): return .refused(error)
        case .bound(let key): boundKey = key
        }
        return .issued(startFamily(user: user, clientID: clientID, boundKey: boundKey, now: now, policy: policy))
    }

    /// A login's tokens: a new session and refresh family, its first refresh token and an access token.
    func startFamily(user: Int, clientID: String, boundKey: String?, now: VirtualTime, policy: Policy) -> IssuedTokens {
        let sessionID = Base64URL.encode(sessionIDs.bytes(8))
        let family = families.count
        families.append(RefreshFamily(user: user, sessionID: sessionID, clientID: clientID,
                                      rootIssuedAt: now, absoluteExpiry: now + policy.refreshTTL))
        familyBySession[sessionID] = family
        families[family].boundKey = boundKey
        let refresh = issueRefreshToken(family: family, now: now, policy: policy)
        return issueAccess(family: family, refresh: refresh, now: now, policy: policy)
    }

    /// A silent login run by script in the victim's page (browser-based-apps
    /// BCP §5.1.3): the auth server sees the user's live session, not who
    /// asked, and starts a brand-new family for whoever holds the page.
    func silentGrant(user name: String, clientID: String, proof: String?, now: VirtualTime, policy: Policy) -> TokenResult {
        guard let user = userIndex(named: name) else {
            return .refused(OAuthError(description: "no such user", rule: "RFC 6749 §5.2"))
        }
        return passwordGrant(user: name, password: users[user].password, clientID: clientID, proof: proof, now: now, policy: policy)
    }

    /// Refresh token grant (RFC 6749 §6) with rotation and reuse detection (RFC 9700 §4.14.2).
    /// `authenticated`: the request carries the client's credentials (only
    /// a backend, a confidential client, has any).
    func refreshGrant(token: String, proof: String?, authenticated: Bool = false, now: VirtualTime,
                      policy: Policy) -> (TokenResult, revokedFamily: Int?) {
        guard let sealed = unseal(token) else {
            return (.refused(OAuthError(description: "unknown refresh token", rule: "RFC 6749 §5.2")), nil)
        }
        let familyIndex = sealed.family
        let family = families[familyIndex]
        // RFC 6749 §6: a confidential client's refresh token is refused without its authentication.
        if let failure = AuthServer.clientAuthenticationFailure(clientID: family.clientID, authenticated: authenticated) {
            return (.refused(failure), nil)
        }
        if let revoked = family.revoked {
            return (.refused(OAuthError(description: "family fam\(familyIndex + 1) was revoked at \(revoked.at.clockText) (\(revoked.reason))",
                                        rule: "RFC 6749 §5.2")), nil)
        }
        // A bound refresh token is refused without a proof by its key (RFC 9449 §5):
        // checked before reuse detection, so a thief without the key cannot even trip it.
        if case .refused(let error) = checkProof(proof, now: now, policy: policy, boundTo: family.boundKey) {
            return (.refused(error), nil)
        }
        if sealed.generation < family.generation {
            // An earlier token of the family: rotated, whenever that was (RFC 9700 §4.14.2).
            let rotation = family.rotations[sealed.generation]
            if policy.reuseGrace.milliseconds > 0, sealed.generation == family.generation - 1, let rotation,
               now - rotation.rotatedAt <= policy.reuseGrace, now < rotation.expiresAt {
                let refresh = rotate(family: familyIndex, now: now, policy: policy)
                var issued = issueAccess(family: familyIndex, refresh: refresh, now: now, policy: policy)
                issued.acceptedInGrace = true
                return (.issued(issued), nil)
            }
            let when = rotation.map { "it was rotated at \($0.rotatedAt.clockText)" }
                ?? "an earlier token of fam\(familyIndex + 1), rotated more than \(RotationHistory.capacity) refreshes ago"
            if policy.reuseDetection {
                endGrant(familyIndex, at: now, reason: "reuse detected", policy: policy)
                return (.refused(OAuthError(description: "refresh token reuse detected: \(when); family fam\(familyIndex + 1) revoked",
                                            rule: "RFC 9700 §4.14.2")), familyIndex)
            }
            let already = rotation.map { "refresh token already rotated at \($0.rotatedAt.clockText)" }
                ?? "refresh token already rotated (more than \(RotationHistory.capacity) refreshes ago)"
            return (.refused(OAuthError(description: already, rule: "RFC 9700 §4.14.2")), nil)
        }
        guard sealed.generation == family.generation, TokenHash(of: token) == family.currentHash else {
            return (.refused(OAuthError(description: "unknown refresh token", rule: "RFC 6749 §5.2")), nil)
        }
        if now >= family.currentExpiresAt {
            let why = family.currentExpiresAt == family.absoluteExpiry ? "absolute lifetime" : "idle timeout"
            return (.refused(OAuthError(description: "refresh token expired \((now - family.currentExpiresAt).text) ago (\(why))",
                                        rule: why == "idle timeout" ? "RFC 6749 §5.2, RFC 9700 §4.14.2" : "RFC 6749 §5.2, browser-based-apps BCP §6.3.2.3")), nil)
        }
        if policy.rotation {
            let refresh = rotate(family: familyIndex, now: now, policy: policy)
            return (.issued(issueAccess(family: familyIndex, refresh: refresh, now: now, policy: policy)), nil)
        }
        // Kept token: sliding idle expiry, never past the family's absolute lifetime.
        if let idle = policy.refreshIdle { families[familyIndex].currentExpiresAt = min(now + idle, family.absoluteExpiry) }
        return (.issued(issueAccess(family: familyIndex, refresh: nil, now: now, policy: policy)), nil)
    }

    private func rotate(family index: Int, now: VirtualTime, policy: Policy) -> (String, VirtualTime) {
        let family = families[index]
        families[index].rotations.record(generation: family.generation, rotatedAt: now, expiresAt: family.currentExpiresAt)
        return issueRefreshToken(family: index, now: now, policy: policy)
    }

    private func issueRefreshToken(family index: Int, now: VirtualTime, policy: Policy) -> (String, VirtualTime) {
        let family = families[index]
        let generation = family.generation + 1
        let token = sealedRefreshToken(family: index, generation: generation)
        let expiresAt = policy.refreshIdle.map { min(now + $0, family.absoluteExpiry) } ?? family.absoluteExpiry
        families[index].generation = generation
        families[index].currentHash = TokenHash(of: token)
        families[index].currentExpiresAt = expiresAt
        return (token, expiresAt)
    }

    private func issueAccess(family index: Int, refresh: (String, VirtualTime)?, now: VirtualTime, policy: Policy) -> IssuedTokens {
        let family = families[index]
        let user = users[family.user]
        let jti = Base64URL.encode(tokenIDs.bytes(12))
        let epoch = World.epoch
        let iat = now.unixSeconds(epoch: epoch)
        let exp = iat + policy.accessTTL.wholeSeconds
        let claims = AccessTokenMinter.Claims(
            issuer: AuthServer.issuer, subject: user.name, audience: AuthServer.apiAudience, expiresAt: exp, issuedAt: iat,
            tokenID: jti, clientID: family.clientID, role: user.role, scope: user.scope, sessionID: family.sessionID,
            confirmationThumbprint: family.boundKey)
        let access: String
        switch policy.signing {
        case .HS256: access = minter.mint(claims)
        case .RS256:
            let key = RS256Key.lab
            let header = JSONValue.object(["alg": .string("RS256"), "typ": .string("at+jwt"), "kid": .string(key.kid)])
            access = JWS.sign(header: header, payload: claims.json, rsaKey: key)
        }
        // Expired ids are dropped in place, so the list stays as short as the tokens' lifetimes allow.
        families[index].accessTokenIDs.removeAll { $0.expiresAt <= iat }
        families[index].accessTokenIDs.append((jti, exp))
        return IssuedTokens(access: access, accessTokenID: jti, accessExpiresAt: VirtualTime.fromUnixSeconds(exp, epoch: epoch),
                            expiresIn: exp - iat, refresh: refresh?.0, refreshExpiresAt: refresh?.1, family: index)
    }

    // MARK: Revocation, logout, introspection

    func revokeFamily(_ index: Int, at now: VirtualTime, reason: String) {
        guard families[index].revoked == nil else { return }
        families[index].revoked = (now, reason)
    }

    /// RFC 7009 §2.1: revoking a refresh token ends its grant (`endGrant`:
    /// the family, and with a denylist its access tokens); revoking an access
    /// token denylists its `jti`. Unknown tokens are not an error (§2.2).
    @discardableResult
    func revoke(token: String, now: VirtualTime, policy: Policy, reason: String) -> (family: Int?, denylisted: String?) {
        // Any token of a family, current or rotated, revokes the grant (RFC 7009 §2.1).
        if let family = unseal(token)?.family {
            let alreadyRevoked = families[family].revoked != nil
            endGrant(family, at: now, reason: reason, policy: policy)
            return (alreadyRevoked ? nil : family, nil)
        }
        if policy.denylist, case .valid(let claims) = validator.validate(token, now: now, epoch: World.epoch) {
            denylist(tokenID: claims.tokenID, expiresAt: claims.expiresAt, now: now)
            return (nil, claims.tokenID)
        }
        return (nil, nil)
    }

    /// Puts an access-token id on the denylist until its `exp`.
    func denylist(tokenID: String, expiresAt: Int64, now: VirtualTime) {
        pruneDenylist(now: now)
        denylist[tokenID] = expiresAt
        if denylistedAt[tokenID] == nil { denylistedAt[tokenID] = now }
    }

    func isDenylisted(_ tokenID: String) -> Bool { denylist[tokenID] != nil }

    func family(forSession sessionID: String) -> Int? { familyBySession[sessionID] }

    /// RFC 7662 §2.2: `active` plus the token's claims, or why it is inactive.
    func introspect(token: String, now: VirtualTime, policy: Policy) -> (active: Bool, claims: AccessTokenClaims?, reason: String) {
        if let sealed = unseal(token) {
            let state = refreshState(of: sealed, token: token, now: now)
            return (state == .valid, nil, "refresh token, \(state.rawValue)")
        }
        switch validator.validate(token, now: now, epoch: World.epoch) {
        case .rejected(let rejection):
            return (false, nil, rejection.description)
        case .valid(let claims):
            if isDenylisted(claims.tokenID) { return (false, claims, "revoked (denylisted)") }
            if let family = familyBySession[claims.sessionID], let revoked = families[family].revoked {
                return (false, claims, "its session fam\(family + 1) was revoked at \(revoked.at.clockText)")
            }
            return (true, claims, "active")
        }
    }

    // MARK: For the world's narrator

    func refreshState(of token: String, now: VirtualTime) -> RefreshTokenState {
        unseal(token).map { refreshState(of: $0, token: token, now: now) } ?? .unknown
    }

    /// The state of a token already unsealed (`token` is its text, for the hash).
    func refreshState(of sealed: SealedRefresh, token: String, now: VirtualTime) -> RefreshTokenState {
        let family = families[sealed.family]
        if family.revoked != nil { return .revoked }
        if sealed.generation < family.generation { return .rotated }
        guard sealed.generation == family.generation, TokenHash(of: token) == family.currentHash else { return .unknown }
        return now >= family.currentExpiresAt ? .expired : .valid
    }

    /// What the server knows of a refresh token, for the report's "usable
    /// until": nil for a token it did not issue, and for one rotated longer
    /// ago than it remembers (the narrator's ledger knows when).
    func refreshFacts(of token: String) -> (family: Int, expiresAt: VirtualTime, rotatedAt: VirtualTime?, absoluteExpiry: VirtualTime)? {
        guard let sealed = unseal(token) else { return nil }
        let family = families[sealed.family]
        if sealed.generation == family.generation {
            return (sealed.family, family.currentExpiresAt, nil, family.absoluteExpiry)
        }
        guard let rotation = family.rotations[sealed.generation] else { return nil }
        return (sealed.family, rotation.expiresAt, rotation.rotatedAt, family.absoluteExpiry)
    }

    func familyIsRevoked(_ index: Int) -> Bool { families[index].revoked != nil }

    func familyRevocationTime(_ index: Int) -> VirtualTime? { families[index].revoked?.at }

    /// Drops denylist entries whose tokens have expired anyway: the list only
    /// ever needs to cover tokens that would otherwise still be accepted.
    private func pruneDenylist(now: VirtualTime) {
        let nowSeconds = now.unixSeconds(epoch: World.epoch)
        denylist = denylist.filter { $0.value > nowSeconds }
    }
}
