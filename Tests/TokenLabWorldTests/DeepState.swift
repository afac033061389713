/// Every stored property of a value, reached through `Mirror`, private ones
/// and those of referenced objects included, with dictionary entries sorted
/// (their order depends on the process's hash seed). Two worlds with equal
/// deep states behave alike from here on, whatever any view shows.
func deepState(_ value: Any, skipping skipped: Set<String> = deepStateSkipped) -> String {
    var lines: [String] = []
    func walk(_ value: Any, _ path: String, depth: Int) {
        let mirror = Mirror(reflecting: value)
        guard depth < 40, !mirror.children.isEmpty else {
            lines.append(path + " = " + String(reflecting: value))
            return
        }
        var entries: [String] = []
        for (offset, child) in mirror.children.enumerated() {
            let label = child.label ?? "\(offset)"
            if skipped.contains(label) { continue }
            if mirror.displayStyle == .dictionary || mirror.displayStyle == .set {
                entries.append(String(reflecting: child.value))
            } else {
                walk(child.value, path + "." + label, depth: depth + 1)
            }
        }
        if !entries.isEmpty { lines.append(path + " = " + entries.sorted().joined(separator: ", ")) }
    }
    walk(value, "", depth: 0)
    return lines.joined(separator: "\n")
}

/// Not state: the validator's one-entry header cache, the front end's hooks
/// and the guard of the command running now.
let deepStateSkipped: Set<String> = ["lastHeaderSegment", "lastHeader", "shouldInterrupt", "commandGuard"]
