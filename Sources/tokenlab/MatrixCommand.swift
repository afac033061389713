import ArgumentParser
import Foundation
import TokenLabWorld

struct MatrixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matrix",
        abstract: "Every catalog attack under every policy preset: what it achieved and what stopped it.",
        discussion: "Each cell is an independent world (seed 1, alice logged in, then an hour of attack); cells run across cores and print in a fixed order, the same as on one core."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, table, markdown, json
    }

    @Option(name: .long, help: "text (attacks × presets, fits 80 columns), table (a row per cell, with what stopped it), markdown (for slides) or json (for scripts).")
    var format: Format = .text

    @Option(name: .long, help: "Fit the table to N columns (40-400); default: the terminal's width, or COLUMNS; piped, natural width.")
    var width: Int?

    @Option(name: .long, help: "Worlds run at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard jobs >= 1 && jobs <= 256 else { throw ValidationError("--jobs takes 1...256, got \(jobs)") }
        if let width, !Terminal.widths.contains(width) { throw ValidationError("--width takes 40...400, got \(width)") }
    }

    func run() throws {
        let cells = MatrixRunner.cells(jobs: jobs)
        switch format {
        case .text: Matrix.grid(cells).forEach { print($0) }
        case .table: Matrix.text(cells, width: width ?? Terminal.fitWidth).forEach { print($0) }
        case .markdown: Matrix.markdown(cells).forEach { print($0) }
        case .json: print(Matrix.json(cells))
        }
    }
}

/// Runs the matrix's independent worlds on `jobs` workers; each result goes
/// to its own slot, so the order never depends on which finished first.
enum MatrixRunner {
    static func cells(jobs: Int) -> [Matrix.Cell] {
        let work = Matrix.jobs
        let results = ResultSlots(count: work.count)
        let next = ResultSlots.Counter()
        DispatchQueue.concurrentPerform(iterations: min(jobs, work.count)) { _ in
            while let i = next.take(below: work.count) {
                results.store(Matrix.run(attack: work[i].attack, preset: work[i].preset), at: i)
            }
        }
        return results.all
    }
}

/// A lock-guarded array of results: the only state the matrix threads share.
final class ResultSlots: @unchecked Sendable {
    private var slots: [Matrix.Cell?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ cell: Matrix.Cell, at index: Int) {
        lock.lock(); defer { lock.unlock() }
        slots[index] = cell
    }

    var all: [Matrix.Cell] {
        lock.lock(); defer { lock.unlock() }
        let cells = slots.compactMap { $0 }
        precondition(cells.count == slots.count, "every matrix cell runs before the table is read")
        return cells
    }

    final class Counter: @unchecked Sendable {
        private var value = 0
        private let lock = NSLock()
        func take(below limit: Int) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}
