import Foundation
import Testing
@testable import Training

/// A run killed with SIGKILL while writing leaves AtomicFile's temporary file; resuming clears it.
@Suite struct RunDirectoryLeftoversTests {
    @Test func temporaryFilesOfDeadProcessesAreRemovedOthersKept() throws {
        let folder = temporaryFolder("leftovers")
        defer { try? FileManager.default.removeItem(at: folder) }
        // A pid that has just exited (and been reaped) belongs to no process.
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let dead = finished.processIdentifier
        let names = [".network-snapshot-000004.safetensors.partial-\(dead)-123",   // a killed run's
                     ".log.jsonl.partial-\(getpid())-7",                            // a live writer's
                     "network-snapshot-000002.safetensors", ".partial-notes", "fakes000004.png"]
        for name in names { try Data([1]).write(to: folder.appendingPathComponent(name)) }

        let removed = RunDirectory.removeLeftovers(in: folder)
        #expect(removed == [names[0]])
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)) == Set(names.dropFirst()))
    }
}
