/// A teacher's `#` lines. A line whose first non-blank character is `#` is
/// narration: the world ignores it, `run` prints it in place and the trace
/// keeps it as a `note` record, so the story travels with the trace. (A `#`
/// after a command on the same line is an ordinary comment and is dropped.)
public enum Narration {
    /// The narration of a comment line: what follows `#` and one space,
    /// trailing spaces dropped; nil when the line is not a comment line.
    public static func text(of line: String) -> String? {
        var rest = Substring(line)
        while rest.first == " " || rest.first == "\t" { rest = rest.dropFirst() }
        guard rest.first == "#" else { return nil }
        rest = rest.dropFirst()
        if rest.first == " " { rest = rest.dropFirst() }
        return String(rest).trimmingTrailingSpaces()
    }

    /// The line that narrates `text`: printed by `run`, and re-run by a
    /// replay. `text(of: line(t)) == t` for every `t` that `text(of:)` returns,
    /// so a replayed note is recorded byte for byte as it was.
    public static func line(_ text: String) -> String { text.isEmpty ? "#" : "# " + text }
}
