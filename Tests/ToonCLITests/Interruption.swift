import Foundation
import Testing

extension Toon {
    /// Starts toon with `arguments`, waits until `out` has an entry (work has begun, at most
    /// `startTimeout` seconds), then a random moment of up to `maxDelay` microseconds, sends `signal`
    /// and waits at most 30 s for the exit, killing a toon that ignores it (recorded as an issue).
    /// Returns how the process ended and the delay, for messages.
    static func interrupt(_ arguments: [String], signal: Int32, watching out: URL, maxDelay: UInt32,
                          startTimeout: Double = 60, environment: [String: String]? = nil,
                          sourceLocation: SourceLocation = #_sourceLocation) throws -> (process: Process, delay: UInt32) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var waited = 0
        while process.isRunning && ((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).isEmpty
              && Double(waited) < startTimeout * 100 {
            usleep(10_000); waited += 1
        }
        let delay = UInt32.random(in: 0...maxDelay)
        usleep(delay)
        #expect(process.isRunning, "the run ended before the signal (delay \(delay) µs)", sourceLocation: sourceLocation)
        kill(process.processIdentifier, signal)
        // A bound, not a timing check: a toon that ignores the signal must not hang the suite.
        var grace = 0
        while process.isRunning && grace < 3000 { usleep(10_000); grace += 1 }
        if process.isRunning {
            Issue.record("toon still runs after the signal (delay \(delay) µs)", sourceLocation: sourceLocation)
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        return (process, delay)
    }
}
