import Foundation
import Testing
@testable import ToonIO
import ToonTestSupport

@Suite("Atomic file writes", .computeFromEnvironment)
struct AtomicFileTests {
    let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("toonkit-atomic-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    @Test("a completed write replaces the file and leaves no temporary behind")
    func replaces() throws {
        let url = folder.appendingPathComponent("a.bin")
        try AtomicFile.write(Data([1, 2, 3]), to: url)
        try AtomicFile.write(Data([4, 5]), to: url)
        #expect(try Data(contentsOf: url) == Data([4, 5]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["a.bin"])
    }

    @Test("a write that fails midway keeps the old file and removes the partial one")
    func failureKeepsOld() throws {
        struct Boom: Error {}
        let url = folder.appendingPathComponent("b.bin")
        try AtomicFile.write(Data([9]), to: url)
        let error = #expect(throws: ToonIOError.self) {
            try AtomicFile.write(to: url) { handle in
                try handle.write(contentsOf: Data(repeating: 7, count: 1000))
                throw Boom()
            }
        }
        #expect(error?.writeProblem != nil)
        #expect(try Data(contentsOf: url) == Data([9]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["b.bin"])
    }

    @Test("a missing folder gives an error naming the file")
    func missingFolder() {
        let url = folder.appendingPathComponent("nope/c.bin")
        do {
            try AtomicFile.write(Data([1]), to: url)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("nope/c.bin"))
        }
    }

    @Test("leftovers of writers that died are removed; a live writer's temporary and other files stay")
    func removesLeftoversOfDeadWriters() throws {
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

        let removed = AtomicFile.removeLeftovers(in: folder)
        #expect(removed == [names[0]])
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)) == Set(names.dropFirst()))
    }
}
