import TokenLabCore

/// Why a user who did nothing wrong had to log in again.
public enum LogoutCause: Int, CaseIterable, Sendable {
    /// Two tabs refreshed with the same token; the second looked like reuse.
    case twoTabs
    /// A refresh response was lost; the retry with the old token looked like reuse.
    case lostResponse
    /// Reuse detection fired with no race or loss of hers to blame.
    case otherReuse
    /// The refresh token's idle limit passed between two sessions.
    case idleExpiry
    /// The refresh token's absolute lifetime ended.
    case absoluteExpiry
    /// Anything else that ended her session (a revocation).
    case other

    public var label: String {
        switch self {
        case .twoTabs: "reuse: two tabs"
        case .lostResponse: "reuse: lost response"
        case .otherReuse: "reuse: other"
        case .idleExpiry: "idle expiry"
        case .absoluteExpiry: "absolute expiry"
        case .other: "other revocation"
        }
    }
}

/// What one policy did to some users, summed. Every field is an integer
/// count or a list that is sorted before it is read, so tallies can be
/// added in any order (by any number of cores) and give the same study.
public struct StudyTally: Sendable, Equatable {
    public var users = 0
    /// The users' own API calls, and those that ended in a 200 (after a refresh and retry if need be).
    public var calls = 0
    public var callsSucceeded = 0
    /// Refresh requests the users' own apps sent (not the attacker's).
    public var refreshes = 0
    public var logins = 0
    public var falseLogouts = Array(repeating: 0, count: LogoutCause.allCases.count)
    /// Victims logged out because reuse detection caught a theft: a cost, but not a false one.
    public var detectionLogouts = 0
    public var thefts = 0
    /// Exposure of each theft in ms: the report's window, from the theft to
    /// the moment the last of its material stops being usable (0 when none ever was).
    public var exposures: [Int64] = []
    /// Time from theft to reuse detection, for thefts it caught.
    public var detections: [Int64] = []
    /// Events the users' worlds ran (for the bench's events per second).
    public var eventsRun = 0
    /// Attack lines the world refused as input (a study bug, shown if ever non-zero).
    public var attackLineErrors = 0
    /// Token-endpoint and introspection requests in each minute of the study.
    public var tokenRequestsByMinute: [Int32]
    public var introspectionsByMinute: [Int32]

    public init(days: Int) {
        tokenRequestsByMinute = Array(repeating: 0, count: days * 1440)
        introspectionsByMinute = Array(repeating: 0, count: days * 1440)
    }

    public mutating func add(_ other: StudyTally) {
        precondition(tokenRequestsByMinute.count == other.tokenRequestsByMinute.count, "tallies of one study have the same length")
        users += other.users
        calls += other.calls
        callsSucceeded += other.callsSucceeded
        refreshes += other.refreshes
        logins += other.logins
        for i in falseLogouts.indices { falseLogouts[i] += other.falseLogouts[i] }
        detectionLogouts += other.detectionLogouts
        thefts += other.thefts
        exposures += other.exposures
        detections += other.detections
        attackLineErrors += other.attackLineErrors
        eventsRun += other.eventsRun
        for i in tokenRequestsByMinute.indices {
            tokenRequestsByMinute[i] += other.tokenRequestsByMinute[i]
            introspectionsByMinute[i] += other.introspectionsByMinute[i]
        }
    }

    /// The same tally with its lists in order: what a result reads.
    public var normalized: StudyTally {
        var copy = self
        copy.exposures.sort()
        copy.detections.sort()
        return copy
    }

    mutating func count(at time: VirtualTime, tokenRequests: Int, introspections: Int) {
        guard tokenRequests != 0 || introspections != 0 else { return }
        let minute = min(tokenRequestsByMinute.count - 1, max(0, Int(time.milliseconds / 60_000)))
        tokenRequestsByMinute[minute] += Int32(tokenRequests)
        introspectionsByMinute[minute] += Int32(introspections)
    }
}
