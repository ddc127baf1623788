import Foundation
import Testing
@testable import ToonIO
import ToonTestSupport

@Suite("Video atomic output", .computeFromEnvironment)
final class VideoAtomicityTests {
    let folder = videoTestFolder()
    deinit { try? FileManager.default.removeItem(at: folder) }

    private func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test("while frames are being written only a hidden temporary file exists")
    func hiddenUntilFinished() throws {
        let url = folder.appendingPathComponent("walk.gif")
        let writer = try GIFWriter(url: url, width: 8, height: 8, frameDelay: 4)
        try writer.append(RGBFrame(width: 8, height: 8, color: .white))
        let names = try contents()
        #expect(names.count == 1 && names[0].hasPrefix(".walk.gif.partial-"))
        try writer.finish()
        #expect(try contents() == ["walk.gif"])
    }

    @Test("a cancelled GIF leaves nothing, and an existing file with that name untouched")
    func cancelled() throws {
        let url = folder.appendingPathComponent("walk.gif")
        try Data([1, 2, 3]).write(to: url)
        let writer = try GIFWriter(url: url, width: 8, height: 8, frameDelay: 4)
        try writer.append(RGBFrame(width: 8, height: 8, color: .white))
        writer.cancel()
        #expect(try contents() == ["walk.gif"])
        #expect(try Data(contentsOf: url) == Data([1, 2, 3]))
        #expect(throws: ToonIOError(url: url, .video(.closed))) { try writer.append(RGBFrame(width: 8, height: 8, color: .white)) }
    }

    @Test("a GIF writer dropped before finish (an error thrown mid-render) removes its temporary file")
    func dropped() throws {
        struct RenderFailed: Error {}
        func render() throws {
            let writer = try GIFWriter(url: folder.appendingPathComponent("walk.gif"), width: 8, height: 8, frameDelay: 4)
            try writer.append(RGBFrame(width: 8, height: 8, color: .black))
            throw RenderFailed()
        }
        #expect(throws: RenderFailed.self) { try render() }
        #expect(try contents().isEmpty)
    }

    @Test("a missing output folder is an error naming the file, for both formats", arguments: ["clip.gif", "clip.mp4"])
    func missingFolder(name: String) {
        let url = folder.appendingPathComponent("absent/\(name)")
        #expect {
            _ = try VideoFormat.openWriter(url: url, width: 8, height: 8, fps: 10)
        } throws: { error in
            guard let error = error as? ToonIOError else { return false }
            return error.description.hasPrefix(url.path) && error.videoProblem == .missingFolder(folder.appendingPathComponent("absent").path)
        }
    }
}
