import ArgumentParser
import Foundation
import TokenLabWorld

@main
struct TokenLab: ParsableCommand {
    static let version = toolVersion
    static let configuration = CommandConfiguration(
        commandName: "tokenlab",
        abstract: "A workbench for access and refresh tokens: a deterministic simulator of how they are attacked and defended.",
        version: version,
        subcommands: [Repl.self, Run.self, LessonCommand.self, LessonsCommand.self, Replay.self, Show.self, MatrixCommand.self, Compare.self,
                      StudyCommand.self, Bench.self, TracesCommand.self],
        defaultSubcommand: Repl.self
    )

    static func main() {
        // Past a file-size limit (ulimit -f), write() then fails with EFBIG
        // and the half-written temporary file is removed, instead of the
        // signal ending the process and leaving it behind.
        signal(SIGXFSZ, SIG_IGN)
        main(nil)
    }
}
