import TokenLabCore

/// Every token that crossed the network where someone other than its two
/// ends could read it: over a plain (non-TLS) link, or in a URL that a
/// server writes to its access log. Recorded when the message crossed, with
/// the policy of that moment, so what a sniffer or a log yields later is a
/// fact about the past, not a reading of today's settings.
struct NetworkRecord {
    enum Place: Equatable {
        /// The message crossed a plain link: a sniffer on it saw the token.
        case plainLink
        /// The token rode in a request URL: the API's access log has it.
        case urlInLog
    }

    struct Crossing {
        let time: VirtualTime
        /// The device whose link it crossed (an index into `World.clients`).
        let client: Int
        let token: String
        let kind: TokenLedger.Kind
        let place: Place
        /// Where in the message: "the refresh request's body", ...
        let carriedIn: String
    }

    private(set) var crossings: [Crossing] = []
    /// A request went out over a plain link without its Secure cookie:
    /// the sniffer saw that request, but no token in it.
    private(set) var secureCookieWithheld: [Int] = []

    mutating func note(_ crossing: Crossing) { crossings.append(crossing) }

    mutating func noteSecureCookieWithheld(client: Int) {
        if !secureCookieWithheld.contains(client) { secureCookieWithheld.append(client) }
    }

    func cookieWasWithheld(client: Int) -> Bool { secureCookieWithheld.contains(client) }

    /// The latest `kind` token seen at `place` on `client`'s link.
    func latest(_ kind: TokenLedger.Kind, at place: Place, client: Int) -> Crossing? {
        crossings.last(where: { $0.client == client && $0.kind == kind && $0.place == place })
    }

    /// Whether an authorization code of `client`'s was ever seen anywhere.
    func anyCode(client: Int) -> Bool { crossings.contains(where: { $0.client == client && $0.kind == .code }) }

    /// Whether anything of `client`'s crossed the network at all, and over a plain link.
    func anyCrossing(client: Int, at place: Place) -> Bool {
        crossings.contains(where: { $0.client == client && $0.place == place })
    }
}
