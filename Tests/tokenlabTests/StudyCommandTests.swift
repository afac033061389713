import Foundation
import Testing

/// `tokenlab study` as a user meets it: the same numbers on one core or
/// two, and one line for each flag that is wrong.
@Suite struct StudyCommandTests {
    func tokenlab(_ arguments: [String]) throws -> ChildProcess.Outcome {
        let outcome = try ChildProcess.run(CommandLineTests.binary.path, arguments, input: "", environment: ["NO_COLOR": "1", "COLUMNS": "80"])
        #expect(!outcome.timedOut, "tokenlab \(arguments.joined(separator: " ")) did not finish and was killed")
        return outcome
    }

    static let small = ["study", "--users", "600", "--days", "1", "--policy", "rotation", "--policy", "rotation,refresh.grace=2s",
                        "--incident", "xss-once=2%", "--two-tabs", "5%"]

    @Test func oneCoreAndTwoCoresPrintTheSameStudy() throws {
        for format in ["text", "json"] {
            let one = try tokenlab(Self.small + ["--jobs", "1", "--format", format])
            let two = try tokenlab(Self.small + ["--jobs", "2", "--format", format])
            #expect(one.status == 0 && two.status == 0, "\(one.stderr)\(two.stderr)")
            #expect(one.stdout == two.stdout, "--format \(format): --jobs 1 and --jobs 2 differ")
            #expect(one.stderr.isEmpty, "no progress bar when standard error is not a terminal")
        }
    }

    @Test func theTableFitsEightyColumnsAndCsvIsATable() throws {
        let text = try tokenlab(Self.small + ["--policy", "rotation,access.ttl=5m"])
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines.filter { $0.count > 80 })")
        #expect(text.stdout.hasPrefix("tokenlab 0.1.0 study  seed 1\nstudy: 600 users × 1 day, seed 1"))
        let csv = try tokenlab(Self.small + ["--format", "csv"])
        let rows = csv.stdout.split(separator: "\n")
        #expect(rows.first == "figure,rotation,\"rotation,refresh.grace=2s\"")
        #expect(rows.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 3 })
        // Durations in milliseconds, shares without %: numbers a spreadsheet reads.
        #expect(rows.dropFirst().allSatisfy { row in row.split(separator: ",", omittingEmptySubsequences: false).dropFirst().allSatisfy { $0.isEmpty || Double($0) != nil } })
    }

    @Test func badFlagsGetOneLineNamingTheFlag() throws {
        let cases: [([String], String)] = [
            (["--users", "0"], "--users takes 1...10000000, got 0\n"),
            (["--days", "400"], "--days takes 1...366, got 400\n"),
            (["--two-tabs", "150%"], "--two-tabs takes a chance in 0%...100% (like 2% or 0.02); got 150%\n"),
            (["--lost-response=-1%"], "--lost-response takes a chance in 0%...100% (like 2% or 0.02); got -1%\n"),
            (["--policy", "nope", "--policy", "rotation"], "--policy nope: unknown preset 'nope'; valid: insecure, baseline, rotation, bcp, introspection, dpop, spa, token-mediating, bff\n"),
            (["--policy", "rotation"], "--policy takes 2...6 columns (PRESET[,KEY=VALUE...], one --policy each), got 1\n"),
            (["--users", "100", "--jobs", "2"], "--jobs takes 1...1 for 100 users (1 block of 250), got 2\n"),
            (["--active", "23-8"], "--active takes FROM-UNTIL in whole hours within 0-24, FROM before UNTIL (like 8-23)\n"),
            (["--call-every", "soon"], "--call-every takes a duration such as 30s, 15m, 2h; got soon\n"),
            (["--set", "access.ttl"], "--set access.ttl: not KEY=VALUE (like refresh.grace=2s)\n"),
        ]
        for (flags, expected) in cases {
            let outcome = try tokenlab(["study"] + flags)
            #expect(outcome.status == 1 && outcome.stdout.isEmpty, "study \(flags.joined(separator: " "))")
            #expect(outcome.stderr == expected, "study \(flags.joined(separator: " "))")
        }
        let incident = try tokenlab(["study", "--incident", "race-two-tabs=1%"])
        #expect(incident.status == 1 && incident.stderr.hasPrefix("--incident race-two-tabs: not a catalog attack a study can place; valid: xss-once"))
        #expect(incident.stderr.split(separator: "\n").count == 1)
    }
}
