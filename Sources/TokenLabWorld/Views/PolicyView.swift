enum PolicyView {
    static func table(_ policy: Policy, presetName: String, width: Int? = nil) -> [String] {
        let changed = policy.differences(from: Policy.preset(named: presetName) ?? policy).count
        var lines = ["preset \(presetName)" + (changed > 0 ? " with \(changed) change\(changed == 1 ? "" : "s") (policy diff shows them)" : "")]
        lines += TextTable.render(
            header: ["key", "value", "risk", "what it does", "rule"],
            rows: PolicyKey.all.map { [$0.name, $0.value(in: policy),
                                       policy.notApplying($0.name).map { "- " + $0 } ?? policy.risk(of: $0.name).map { "! " + $0 } ?? "",
                                       $0.summary, $0.rule] },
            width: width)
        let explanation = "client.architecture \(policy.architecture.rawValue): " + policy.architecture.explanation
        lines += width.map { TextWrap.words(explanation, width: $0) } ?? [explanation]
        return lines
    }

    static func diff(_ policy: Policy, against preset: Policy, named name: String) -> [String] {
        let differences = policy.differences(from: preset)
        guard !differences.isEmpty else { return ["no differences from \(name)"] }
        return TextTable.render(header: ["key", "now", name], rows: differences.map { [$0.key.name, $0.mine, $0.theirs] })
    }
}
