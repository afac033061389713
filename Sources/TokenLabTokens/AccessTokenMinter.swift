/// Mints RFC 9068 access tokens by writing the claims' JSON straight into a
/// byte buffer, in a fixed member order: the auth server's hot path. The
/// result is byte-identical to `JWS.sign` over the same `JSONValue`, which a
/// test checks.
public struct AccessTokenMinter: Sendable {
    public let key: HS256Key
    private let headerSegment: [UInt8]

    public struct Claims: Sendable {
        public var issuer: String
        public var subject: String
        public var audience: String
        public var expiresAt: Int64
        public var issuedAt: Int64
        public var tokenID: String
        public var clientID: String
        public var role: String
        public var scope: String
        public var sessionID: String
        /// RFC 9449 §6.1: the thumbprint of the key the token is bound to.
        public var confirmationThumbprint: String?

        public init(issuer: String, subject: String, audience: String, expiresAt: Int64, issuedAt: Int64, tokenID: String,
                    clientID: String, role: String, scope: String, sessionID: String, confirmationThumbprint: String? = nil) {
            self.issuer = issuer; self.subject = subject; self.audience = audience
            self.expiresAt = expiresAt; self.issuedAt = issuedAt; self.tokenID = tokenID
            self.clientID = clientID; self.role = role; self.scope = scope; self.sessionID = sessionID
            self.confirmationThumbprint = confirmationThumbprint
        }

        /// The same claims as a `JSONValue`, for display and for checking the minter.
        public var json: JSONValue {
            var members: [JSONMember] = [
                JSONMember("iss", .string(issuer)), JSONMember("sub", .string(subject)), JSONMember("aud", .string(audience)),
                JSONMember("exp", .int(expiresAt)), JSONMember("iat", .int(issuedAt)), JSONMember("jti", .string(tokenID)),
                JSONMember("client_id", .string(clientID)), JSONMember("role", .string(role)), JSONMember("scope", .string(scope)),
                JSONMember("sid", .string(sessionID)),
            ]
            if let confirmationThumbprint { members.append(JSONMember("cnf", .object(["jkt": .string(confirmationThumbprint)]))) }
            return .object(members)
        }
    }

    public static func header(kid: String) -> JSONValue {
        .object(["alg": .string("HS256"), "typ": .string("at+jwt"), "kid": .string(kid)])
    }

    public init(key: HS256Key) {
        self.key = key
        headerSegment = Array(Base64URL.encode(Array(AccessTokenMinter.header(kid: key.kid).text.utf8)).utf8)
    }

    public func mint(_ claims: Claims) -> String {
        var json = [UInt8]()
        json.reserveCapacity(320)
        json.append(UInt8(ascii: "{"))
        member("iss", claims.issuer, &json, first: true)
        member("sub", claims.subject, &json)
        member("aud", claims.audience, &json)
        member("exp", claims.expiresAt, &json)
        member("iat", claims.issuedAt, &json)
        member("jti", claims.tokenID, &json)
        member("client_id", claims.clientID, &json)
        member("role", claims.role, &json)
        member("scope", claims.scope, &json)
        member("sid", claims.sessionID, &json)
        if let thumbprint = claims.confirmationThumbprint {
            key("cnf", &json, first: false)
            json.append(contentsOf: "{\"jkt\":".utf8)
            appendJSONString(thumbprint, to: &json)
            json.append(UInt8(ascii: "}"))
        }
        json.append(UInt8(ascii: "}"))

        // Header, payload and signature written straight into the string's own storage.
        let signingInputLength = headerSegment.count + 1 + Base64URL.encodedCount(of: json.count)
        return String(unsafeUninitializedCapacity: signingInputLength + 1 + 43) { buffer in
            let base = buffer.baseAddress!
            var o = headerSegment.withUnsafeBufferPointer { header in
                base.update(from: header.baseAddress!, count: header.count)
                return header.count
            }
            base[o] = UInt8(ascii: ".")
            o += 1
            o += json.withUnsafeBytes { Base64URL.encode($0, to: base + o) }
            base[o] = UInt8(ascii: ".")
            o += 1
            o += key.writeSignature(for: UnsafeRawBufferPointer(start: base, count: signingInputLength), to: base + o)
            return o
        }
    }

    private func key(_ name: StaticString, _ out: inout [UInt8], first: Bool) {
        if !first { out.append(UInt8(ascii: ",")) }
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(contentsOf: "\":".utf8)
    }

    private func member(_ name: StaticString, _ value: String, _ out: inout [UInt8], first: Bool = false) {
        key(name, &out, first: first)
        appendJSONString(value, to: &out)
    }

    private func member(_ name: StaticString, _ value: Int64, _ out: inout [UInt8]) {
        key(name, &out, first: false)
        out.append(contentsOf: String(value).utf8)
    }
}

/// Appends `value` as a JSON string, escaped exactly as `JSONValue.text` does
/// (the minter's claims, and every string of a trace record).
public func appendJSONString(_ value: String, to out: inout [UInt8]) {
    var value = value
    // Most strings need no escape: their bytes are copied whole.
    let isPlain = value.withUTF8 { utf8 in
        guard !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: utf8)
        out.append(UInt8(ascii: "\""))
        return true
    }
    if !isPlain { out.append(contentsOf: JSONValue.quoted(value).utf8) }
}
