import Testing
@testable import TokenLabWorld

/// A sniffer or a log yields only what actually crossed a plain link or sat
/// in a URL, as recorded when it crossed; never what today's policy suggests.
@Suite struct NetworkRecordTests {
    func theft(_ lines: String...) -> String {
        let world = session()
        var last = ""
        for line in lines {
            let result = world.execute(line)
            #expect(result.error == nil, "\(line): \(result.error?.message ?? "")")
            if line.hasPrefix("steal") { last = result.events.last.map { $0.outcome } ?? "" }
        }
        return last
    }

    @Test func tokensThatCrossedOverTLSAreNotSniffedAfterTLSIsTurnedOff() {
        let outcome = theft("login alice", "set tls off", "steal refresh from alice via sniff")
        #expect(outcome.hasPrefix("nothing: no refresh token of alice's has crossed a plain link"), "\(outcome)")
    }

    @Test func aTokenNeverPutInAURLIsNotInTheLogs() {
        let outcome = theft("login alice", "call alice GET /orders", "steal access from alice via logs")
        #expect(outcome.hasPrefix("nothing: no request of alice's carried its access token in a URL"), "\(outcome)")
    }

    @Test func onAPlainLinkTheSnifferGetsWhatCrossedAndWhenItCrossed() {
        #expect(theft("set tls off", "login alice", "steal refresh from alice via sniff")
                == "got rt1: it crossed a plain link at 00:00:00.060, in the token response")
        #expect(theft("login alice", "set tls off", "call alice GET /orders", "steal access from alice via sniff")
                == "got at1: it crossed a plain link at 00:00:00.080, in the Authorization header of /orders")
        // rt1 went to the auth server in clear only when it was used.
        #expect(theft("login alice", "set tls off", "refresh alice", "steal refresh from alice via sniff")
                == "got rt1: it crossed a plain link at 00:00:00.080, in the refresh request's body")
    }

    @Test func aTokenSentInAURLIsInTheLogsEvenOverTLS() {
        #expect(theft("set client.token_in_query on", "login alice", "call alice GET /orders", "set client.token_in_query off",
                      "steal access from alice via logs")
                == "got at1: read from the API's access log: it was in the URL of /orders (?access_token=) at 00:00:00.080")
    }

    @Test func aSecureCookieIsNotSentOverAPlainLinkSoTheSnifferSeesNoToken() {
        let outcome = theft("set storage cookie", "login alice", "set tls off", "call alice GET /orders", "steal access from alice via sniff")
        #expect(outcome.hasPrefix("nothing: the Secure cookie is never sent over the plain link"), "\(outcome)")
    }
}
