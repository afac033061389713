/// Bytes read from a file, turned into text for the command parser, or
/// refused with the line that is not UTF-8: a script is never silently
/// "repaired" with U+FFFD.
public enum ScriptText {
    public static func decode(_ bytes: [UInt8], name: String) throws(CommandError) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        // Find the first line that does not decode, to name it.
        var number = 1
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if String(validating: line, as: UTF8.self) == nil { break }
            number += 1
        }
        throw CommandError("\(name):\(number): invalid UTF-8 (scripts and traces are UTF-8 text)")
    }
}
