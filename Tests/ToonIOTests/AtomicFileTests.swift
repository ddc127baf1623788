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
}
