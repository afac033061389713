import Testing
@testable import TokenLabWorld

@Suite struct PolicyTests {
    @Test func presetsMatchTheDesignTable() {
        let insecure = Policy.insecure, baseline = Policy.baseline, rotation = Policy.rotation, bcp = Policy.bcp
        #expect(insecure.accessTTL == .hours(24) && insecure.refreshTTL == .days(90) && !insecure.rotation)
        #expect(!insecure.tls && insecure.allowedAlgorithms.contains("none") && !insecure.checksAudience && !insecure.checksType)
        #expect(baseline.accessTTL == .minutes(15) && baseline.refreshTTL == .days(30) && !baseline.rotation && baseline.tls)
        #expect(baseline.storage == .localStorage && baseline.allowedAlgorithms == ["HS256"])
        #expect(rotation.rotation && rotation.reuseDetection && rotation.reuseGrace == .zero && rotation.accessTTL == .minutes(15))
        #expect(bcp.accessTTL == .minutes(5) && bcp.refreshTTL == .hours(8) && bcp.refreshIdle == .hours(1))
        #expect(bcp.storage == .cookie && bcp.cookieHttpOnly && bcp.cookieSecure && bcp.cookieSameSite == .strict && bcp.denylist)
    }

    @Test func everyKeyRoundTripsItsOwnValueAndRefusesGarbage() {
        var policy = Policy.bcp
        for key in PolicyKey.all {
            let value = key.value(in: policy)
            #expect(key.set(&policy, value), "\(key.name) = \(value)")
            #expect(!key.set(&policy, "garbage!"), "\(key.name)")
        }
        #expect(policy == .bcp)
    }

    @Test func policyDiffShowsOnlyWhatChanged() {
        let s = session(preset: "rotation")
        s.run("set access.ttl 5m")
        #expect(s.run("policy diff") == ["key         now  rotation", "access.ttl  5m   15m"])
        #expect(s.run("policy diff rotation") == s.run("policy diff"))
        #expect(s.run("policy").first == "preset rotation with 1 change (policy diff shows them)")
    }

    @Test func thePolicyShowsWhichSettingsAreWeak() {
        let weakInBCP = PolicyKey.all.compactMap { Policy.bcp.risk(of: $0.name) }
        #expect(weakInBCP.isEmpty, "\(weakInBCP)")
        #expect(Policy.insecure.risk(of: "algs") == "unsigned tokens (alg none) accepted")
        #expect(Policy.insecure.risk(of: "tls") == "a sniffer sees every token")
        #expect(Policy.baseline.risk(of: "storage") == "script (XSS) can read the tokens")
        #expect(Policy.baseline.risk(of: "refresh.rotation") == "a stolen refresh token stays valid")
    }
}
