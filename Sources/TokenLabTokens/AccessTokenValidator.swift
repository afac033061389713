import TokenLabCore

/// What a resource server checks in an access token (RFC 9068 §4, RFC 8725).
public struct ValidationRules {
    public var issuer: String
    public var audience: String
    public var checksIssuer = true
    public var checksAudience = true
    public var checksType = true
    /// Exact `alg` names accepted. Listing `none` reproduces the classic
    /// flaw, including case variants such as `None` (RFC 8725 §2.1).
    public var allowedAlgorithms: [String] = ["HS256"]
    public var leeway: Duration = .zero
    public var keys: [HS256Key]
    /// Whether to copy out `jti` (a heap string): needed for a denylist.
    public var extractsTokenID = true
    /// Whether to copy out `sub`, `sid` and `client_id`: an API that only
    /// authorizes by role and scope does not need them on every request.
    public var extractsIdentity = true
    /// RS256 verification keys (the lab key, when the auth server signs RS256).
    public var rsaKeys: [RS256Key] = []
    /// Each key is used only with its own algorithm (safe). Off, the token's
    /// `alg` decides how a key is used: an RSA public key becomes an HMAC
    /// secret, the RS256→HS256 confusion (RFC 8725 §2.1, §3.1).
    public var keysPerAlgorithm = true

    public init(issuer: String, audience: String, keys: [HS256Key]) {
        self.issuer = issuer
        self.audience = audience
        self.keys = keys
    }
}

/// The claims of an access token that passed every check.
public struct AccessTokenClaims: Sendable, Equatable {
    public var subject: String = ""
    public var clientID: String = ""
    public var tokenID: String = ""
    public var sessionID: String = ""
    public var role: String = ""
    public var scope: String = ""
    /// Unix seconds, rounded up from a fractional `exp`: the second by which
    /// the token has certainly expired. Clamped, like every NumericDate.
    public var expiresAt: Int64 = 0
    /// Unix seconds, rounded down.
    public var issuedAt: Int64 = 0
    /// Unix seconds, rounded up.
    public var notBefore: Int64?
    /// Whether `aud` names the audience of the rules, checked or not: an API
    /// that learns claims by introspection checks this itself (RFC 7662 §4).
    public var audienceMatches = false
    /// `cnf.jkt` (RFC 9449 §6.1): the token is bound to this key.
    public var confirmationThumbprint: String?

    /// Whether the space-separated `scope` (RFC 6749 §3.3) contains `needed`.
    public func hasScope(_ needed: String) -> Bool {
        var scope = scope, needed = needed
        return scope.withUTF8 { words in
            needed.withUTF8 { word in
                var start = 0
                while start <= words.count {
                    var end = start
                    while end < words.count, words[end] != UInt8(ascii: " ") { end += 1 }
                    if UnsafeBufferPointer(rebasing: words[start..<end]).elementsEqual(word) { return true }
                    start = end + 1
                }
                return false
            }
        }
    }
}

public enum ValidationVerdict: Sendable, Equatable {
    case valid(AccessTokenClaims)
    case rejected(TokenRejection)
}

/// Validates compact JWS access tokens without a JWT library on the hot
/// path: decoding into stack buffers, one keyed HMAC, one pass over the
/// claims. Order of checks follows RFC 8725 §3: algorithm first, then the
/// signature, then the claims. A class, so that validating never copies
/// the rules and keys.
public final class AccessTokenValidator {
    public var rules: ValidationRules {
        didSet { prepare() }
    }
    private var issuerBytes: [UInt8] = []
    private var audienceBytes: [UInt8] = []
    private var acceptsNone = false
    // The rules, flattened into plain stored properties for the hot path.
    private var acceptsHS256 = true
    private var acceptsRS256 = false
    private var rsaKeys: [RS256Key] = []
    private var keysPerAlgorithm = true
    private var checksType = true
    private var checksIssuer = true
    private var checksAudience = true
    private var extractsTokenID = true
    private var extractsIdentity = true
    private var leewayMilliseconds: Int64 = 0
    private var keys: [HS256Key] = []
    /// The last header segment seen and what it says: every token from one
    /// auth server key shares its header, so it is read once, not per request.
    private var lastHeaderSegment: [UInt8] = []
    private var lastHeader = HeaderFacts.readFully([])
    /// Off, every header and payload goes through the full parser: the
    /// differential test compares the two paths' verdicts with it.
    var usesFastPath = true

    public init(rules: ValidationRules) {
        self.rules = rules
        prepare()
    }

    private func prepare() {
        issuerBytes = Array(rules.issuer.utf8)
        audienceBytes = Array(rules.audience.utf8)
        acceptsNone = rules.allowedAlgorithms.contains("none")
        acceptsHS256 = rules.allowedAlgorithms.contains("HS256")
        acceptsRS256 = rules.allowedAlgorithms.contains("RS256")
        rsaKeys = rules.rsaKeys
        keysPerAlgorithm = rules.keysPerAlgorithm
        checksType = rules.checksType
        checksIssuer = rules.checksIssuer
        checksAudience = rules.checksAudience
        extractsTokenID = rules.extractsTokenID
        extractsIdentity = rules.extractsIdentity
        leewayMilliseconds = rules.leeway.milliseconds
        keys = rules.keys
    }

    public func validate(_ token: String, now: VirtualTime, epoch: Int64) -> ValidationVerdict {
        var token = token
        return token.withUTF8 { validate(bytes: $0, now: now, epoch: epoch) }
    }

    private func validate(bytes: UnsafeBufferPointer<UInt8>, now: VirtualTime, epoch: Int64) -> ValidationVerdict {
        let dot = UInt8(ascii: ".")
        guard let firstDot = bytes.index(of: dot, from: 0),
              let secondDot = bytes.index(of: dot, from: firstDot + 1),
              bytes.index(of: dot, from: secondDot + 1) == nil
        else { return .rejected(.malformed("not three dot-separated parts")) }
        let headerPart = UnsafeBufferPointer(rebasing: bytes[0..<firstDot])
        let payloadPart = UnsafeBufferPointer(rebasing: bytes[(firstDot + 1)..<secondDot])
        let signaturePart = UnsafeBufferPointer(rebasing: bytes[(secondDot + 1)...])
        let signingInput = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[0..<secondDot]))

        let reading: HeaderFacts.Reading
        if headerPart.equals(lastHeaderSegment) {
            reading = lastHeader
        } else {
            let decoded = Base64URL.decodeScratch(headerPart) { bytes in
                usesFastPath ? HeaderFacts.read(bytes) : HeaderFacts.readFully(Array(bytes))
            }
            guard let decoded else { return .rejected(.malformed(DecodedJWS.FormatError.badBase64(part: "header").description)) }
            reading = decoded
            lastHeaderSegment = Array(headerPart)
            lastHeader = reading
        }
        let header: HeaderFacts
        switch reading {
        case .facts(let facts): header = facts
        case .rejected(let rejection): return .rejected(rejection)
        }

        // 1. Algorithm (RFC 8725 §3.1): exact match against the allow-list.
        let isNone = header.alg.utf8.count == 4 && header.alg.lowercased() == "none"
        if isNone {
            guard acceptsNone else { return .rejected(.algorithmNotAllowed(header.alg)) }
            // Unsigned, but still three base64url parts, as `decode` requires.
            guard Base64URL.decodeScratch(signaturePart, { _ in true }) == true else {
                return .rejected(.malformed(DecodedJWS.FormatError.badBase64(part: "signature").description))
            }
        } else if !(header.alg == "HS256" && acceptsHS256) && !(header.alg == "RS256" && acceptsRS256) {
            return .rejected(.algorithmNotAllowed(header.alg))
        }
        // 2. Explicit typing (RFC 9068 §4 / RFC 8725 §3.11).
        if checksType {
            guard header.hasAccessTokenType else { return .rejected(.wrongType(header.typ)) }
        }
        // 3. Signature.
        if header.alg == "RS256" {
            guard let key = rsaKeys.first(where: { $0.kid == header.kid }) else { return .rejected(.unknownKey(header.kid)) }
            let verified = Base64URL.decodeScratch(signaturePart) { key.isValidSignature(UnsafeRawBufferPointer($0), for: signingInput) }
            guard verified == true else { return .rejected(.badSignature) }
        } else if !isNone {
            let keyIndex: Int?
            if let kid = header.kid { keyIndex = keys.firstIndex(where: { $0.kid == kid }) }
            else { keyIndex = keys.count == 1 ? 0 : nil }
            let verified: Bool?
            if let keyIndex {
                verified = keys.withUnsafeBufferPointer { keys in
                    Base64URL.decodeScratch(signaturePart) { signature in
                        keys[keyIndex].isValidSignature(UnsafeRawBufferPointer(signature), for: signingInput)
                    }
                }
            } else if !keysPerAlgorithm, let rsa = rsaKeys.first(where: { $0.kid == header.kid }) {
                // The flaw on purpose: the RSA public key's PEM used as an HMAC secret.
                let confused = rsa.confusedHMACKey
                verified = Base64URL.decodeScratch(signaturePart) { confused.isValidSignature(UnsafeRawBufferPointer($0), for: signingInput) }
            } else if let kid = header.kid, rsaKeys.contains(where: { $0.kid == kid }) {
                // RFC 8725 §3.1: "each key MUST be used with exactly one algorithm".
                return .rejected(.keyOfAnotherAlgorithm(kid: kid, alg: header.alg, keyAlgorithm: "RS256"))
            } else {
                return .rejected(.unknownKey(header.kid))
            }
            guard verified == true else { return .rejected(.badSignature) }
        }
        // 4. Claims.
        let claimReading: ClaimFacts.Reading? = Base64URL.decodeScratch(payloadPart) { payload in
            usesFastPath
                ? ClaimFacts.read(payload, issuer: issuerBytes, audience: audienceBytes, extractsTokenID: extractsTokenID,
                                  extractsIdentity: extractsIdentity)
                : ClaimFacts.readFully(Array(payload), issuer: issuerBytes, audience: audienceBytes,
                                       extractsTokenID: extractsTokenID, extractsIdentity: extractsIdentity)
        }
        let claims: ClaimFacts
        switch claimReading {
        case .none: return .rejected(.malformed(DecodedJWS.FormatError.badBase64(part: "payload").description))
        case .some(.rejected(let rejection)): return .rejected(rejection)
        case .some(.facts(let facts)): claims = facts
        }
        // Saturating arithmetic throughout: claim values are any Int64.
        let expiresAt = VirtualTime.fromUnixMilliseconds(claims.expiresAtMilliseconds, epoch: epoch)
        if now.milliseconds >= saturatingSum(expiresAt.milliseconds, leewayMilliseconds) {
            return .rejected(.expired(ago: now - expiresAt))
        }
        if let notBefore = claims.notBeforeMilliseconds {
            let start = VirtualTime.fromUnixMilliseconds(notBefore, epoch: epoch)
            if saturatingSum(now.milliseconds, leewayMilliseconds) < start.milliseconds {
                return .rejected(.notYetValid(for: start - now))
            }
        }
        if checksIssuer && !claims.issuerMatches { return .rejected(.wrongIssuer) }
        if checksAudience && !claims.audienceMatches { return .rejected(.wrongAudience) }
        var validated = claims.validated
        validated.audienceMatches = claims.audienceMatches
        return .valid(validated)
    }
}
