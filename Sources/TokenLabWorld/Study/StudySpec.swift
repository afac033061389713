import TokenLabCore

/// A population study: how a token policy behaves across many users for
/// days, side by side with other policies. Every user lives in a world of
/// her own (the same world code as the REPL), driven by a usage model drawn
/// from her own seeded stream, so the numbers do not depend on how the
/// users are split across cores.
public struct StudySpec: Sendable {
    public var users = 1000
    public var days = 7
    public var seed: UInt64 = 1
    public var usage = UsageModel()
    public var incidents: [Incident] = [Incident(attack: "xss-once", chance: .percent(1))]
    public var columns: [StudyPolicy] = []

    public init() {}

    /// The bounds every flag is checked against (one line each).
    public static let userRange = 1...10_000_000
    public static let dayRange = 1...366

    /// Users a block holds: the unit of work a core takes. Fixed, so the
    /// blocks (and so the results) are the same whatever the job count.
    public static let blockSize = 250

    public var blockCount: Int { (users + StudySpec.blockSize - 1) / StudySpec.blockSize }
    public var userDays: Int { users * days }
}

/// When and how much one user uses the app. Times of day are offsets from
/// midnight of virtual time; every random length is exponential with the
/// given mean, drawn from the user's own stream.
public struct UsageModel: Sendable, Equatable {
    /// Sessions start only between these times of day (nights are idle).
    public var activeFrom = Duration.hours(8)
    public var activeUntil = Duration.hours(23)
    /// Sessions per day on average (Poisson arrivals within the active hours).
    public var sessionsPerDay = 4
    public var sessionLength = Duration.minutes(15)
    /// The mean time between two API calls within a session.
    public var callInterval = Duration.minutes(1)
    /// At a refresh, the chance that a second tab refreshes with the same token at once.
    public var twoTabs = Chance.percent(2)
    /// At a refresh, the chance that its response is lost on the way back.
    public var lostResponse = Chance(partsPerMillion: 1000)

    public init() {}

    /// The mean idle gap between sessions, so that about `sessionsPerDay` fit in the active hours.
    var meanGap: Duration {
        let active = activeUntil.milliseconds - activeFrom.milliseconds
        return Duration(milliseconds: max(1, active / Int64(max(1, sessionsPerDay)) - sessionLength.milliseconds / 2))
    }

    /// Calls a user makes on average over `days` days (for the memory and time estimates).
    func expectedCalls(days: Int) -> Int {
        let perSession = max(1, sessionLength.milliseconds / max(1, callInterval.milliseconds)) + 1
        return Int(min(Int64(Int32.max), perSession * Int64(sessionsPerDay) * Int64(days)))
    }
}

/// A probability as an integer number of parts per million: draws stay integer.
public struct Chance: Sendable, Equatable, Comparable {
    public var partsPerMillion: Int

    public init(partsPerMillion: Int) { self.partsPerMillion = partsPerMillion }
    public static func percent(_ n: Int) -> Chance { Chance(partsPerMillion: n * 10_000) }
    public static func < (a: Chance, b: Chance) -> Bool { a.partsPerMillion < b.partsPerMillion }

    /// "2%", "0.5%", "0.02" (a fraction) or "0"; nil for anything else or outside 0...1.
    public init?(parsing text: String) {
        let isPercent = text.hasSuffix("%")
        let number = isPercent ? String(text.dropLast()) : text
        guard let millionths = Chance.millionths(number) else { return nil }
        let ppm = isPercent ? millionths / 100 : millionths
        // Finer than a millionth is refused rather than rounded.
        guard ppm <= 1_000_000, !isPercent || millionths % 100 == 0 else { return nil }
        partsPerMillion = ppm
    }

    /// A decimal number with at most 6 places, times 1,000,000, read without floating point.
    private static func millionths(_ text: String) -> Int? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard !text.isEmpty, parts.count <= 2, parts[0].allSatisfy(\.isASCII),
              let whole = Int(parts[0].isEmpty ? "0" : parts[0]), whole >= 0, whole <= 100 else { return nil }
        var fraction = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy(\.isASCII), let value = Int(digits) else { return nil }
            fraction = value * Int(pow10(6 - digits.count))
        }
        return whole * 1_000_000 + fraction
    }

    private static func pow10(_ n: Int) -> Int { (0..<n).reduce(1) { result, _ in result * 10 } }

    /// "2%", "0.1%", "0.0005%".
    public var text: String {
        let hundredths = partsPerMillion * 100 // of a ppm: the percentage times 10^6
        var whole = "\(hundredths / 1_000_000)"
        var fraction = String(hundredths % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        if !fraction.isEmpty { whole += "." + fraction }
        return whole + "%"
    }

    /// Whether a draw in 0..<1,000,000 falls inside the chance.
    func includes(_ draw: Int) -> Bool { draw < partsPerMillion }
}

/// A rate of one catalog attack: the chance that a user suffers it once,
/// at a random moment of one of her sessions.
public struct Incident: Sendable, Equatable {
    public var attack: String
    public var chance: Chance

    public init(attack: String, chance: Chance) {
        self.attack = attack
        self.chance = chance
    }

    /// Catalog attacks a study can place in a user's week: those that steal
    /// or forge at once. Races are the usage model's own; an opening that
    /// moves the clock would move the user's week with it.
    public static var eligible: [String] {
        AttackScenario.catalog.filter { scenario in
            !scenario.name.hasPrefix("race-") && !scenario.lines(victim: "V").contains { $0.hasPrefix("advance until") }
        }.map(\.name)
    }
}

/// One column of the study: a preset and settings on top of it.
public struct StudyPolicy: Sendable {
    /// As the user wrote it: `rotation` or `rotation,access.ttl=5m`.
    public var label: String
    public var preset: String
    public var policy: Policy

    /// `PRESET[,KEY=VALUE...]`, then `common` settings for every column;
    /// each setting is checked as `set KEY VALUE` would check it.
    public init(parsing text: String, common: [(key: String, value: String)] = []) throws(CommandError) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        preset = parts[0]
        label = text
        var settings: [(key: String, value: String)] = []
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else {
                throw CommandError("--policy \(text): '\(part)' is not KEY=VALUE (like access.ttl=5m)")
            }
            settings.append((pair[0], pair[1]))
        }
        guard Policy.preset(named: preset) != nil else {
            throw CommandError("--policy \(text): unknown preset '\(preset)'; valid: \(Policy.presetNames.joined(separator: ", "))")
        }
        let session = try Session(seed: 1, preset: preset)
        session.takesCheckpoints = false
        session.recordsTrace = false
        for (key, value) in settings + common {
            if let error = session.execute("set \(key) \(value)").error {
                throw CommandError("--policy \(text): \(key)=\(value): \(error.message)")
            }
        }
        policy = session.world.policy
    }
}
