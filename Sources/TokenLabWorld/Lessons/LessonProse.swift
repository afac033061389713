/// Markdown prose as terminal text: a paragraph becomes one line (the front
/// end wraps it to the width), headings and list items keep lines of their
/// own, emphasis marks go, code keeps its backticks, HTML tags are dropped.
enum LessonProse {
    static func render(_ markdown: [String]) -> [String] {
        var lines: [String] = []
        var paragraph: [String] = []
        var inCode = false
        func flush() {
            if !paragraph.isEmpty { lines.append(inline(paragraph.joined(separator: " "))) }
            paragraph = []
        }
        for raw in markdown {
            let line = raw.drop(while: { $0 == " " })
            if line.hasPrefix("```") {
                flush()
                inCode.toggle()
                continue
            }
            if inCode {
                lines.append("    " + raw)
                continue
            }
            if line.isEmpty {
                flush()
                if lines.last != "" { lines.append("") }
            } else if line.hasPrefix("#") {
                flush()
                let title = line.drop(while: { $0 == "#" }).drop(while: { $0 == " " })
                lines.append(inline(String(title)).uppercased())
            } else if line.hasPrefix("<") && line.hasSuffix(">") {
                flush()
            } else if line.hasPrefix("- ") || line.hasPrefix("* ") || line.first?.isNumber == true && line.contains(". ") && line.prefix(while: \.isNumber).count <= 2
                        && line.dropFirst(line.prefix(while: \.isNumber).count).hasPrefix(". ") {
                flush()
                paragraph = [String(line.hasPrefix("* ") ? "- " + line.dropFirst(2) : line)]
            } else if line.hasPrefix("> ") {
                paragraph.append(String(line.dropFirst(2)))
            } else {
                paragraph.append(String(line))
            }
        }
        flush()
        while lines.first == "" { lines.removeFirst() }
        while lines.last == "" { lines.removeLast() }
        return lines
    }

    /// `**bold**` and `_emphasis_` lose their marks; `[text](link)` keeps its text.
    static func inline(_ text: String) -> String {
        var out = text.replacingAll("**", with: "")
        // Links: [text](url) -> text
        while let open = out.firstIndex(of: "["), let close = out[open...].firstIndex(of: "]"),
              out.index(after: close) < out.endIndex, out[out.index(after: close)] == "(",
              let end = out[close...].firstIndex(of: ")") {
            out.replaceSubrange(open...end, with: out[out.index(after: open)..<close])
        }
        return out
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
