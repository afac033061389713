/// Snapshots: the world as a value in time. The world is deterministic, so a
/// snapshot plus the commands typed since reproduces the present exactly;
/// the session keeps snapshots as checkpoints for `undo` and `rewind`.
extension World {
    /// A deep copy that shares nothing mutable with this world: running
    /// either one never changes the other. Every party is a new object
    /// (auth server, API, each client, their validators); the queue, the
    /// exchanges in flight, the ledger, the attack log, the recorded events,
    /// the counters and every random stream are copied by value.
    public func snapshot() -> World { World(copying: self) }
}
