import Foundation
import Testing
@testable import ToonIO
import ToonTestSupport

private let ffmpegInstalled = FFmpegExecutable.locate() != nil && FFmpegExecutable.locate("ffprobe") != nil

/// Runs ffprobe on the first video stream; frames are counted by decoding, not from the header.
private func probe(_ url: URL) throws -> [String: Any] {
    let process = Process()
    process.executableURL = FFmpegExecutable.locate("ffprobe")
    process.arguments = ["-v", "error", "-select_streams", "v:0", "-count_frames",
                         "-show_entries", "stream=codec_name,width,height,pix_fmt,nb_read_frames",
                         "-of", "json", url.path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    return ((json?["streams"] as? [[String: Any]])?.first) ?? [:]
}

@Suite("Video MP4 through ffmpeg", .computeFromEnvironment, .enabled(if: ffmpegInstalled, "ffmpeg/ffprobe not on PATH; install them (Debian: apt-get install ffmpeg) to run these tests"))
final class VideoMP4Tests {
    let folder = videoTestFolder()
    deinit { try? FileManager.default.removeItem(at: folder) }

    @Test("ten frames of a moving square become a 10-frame H.264 yuv420p MP4 of the same size")
    func writesH264() throws {
        let url = folder.appendingPathComponent("moving.mp4")
        let writer = try FFmpegVideoWriter(url: url, width: 64, height: 48, fps: 10, crf: 23, preset: "ultrafast")
        for i in 0..<10 { try writer.append(VideoTestFrames.movingSquare(width: 64, height: 48, frame: i)) }
        try writer.finish()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["moving.mp4"])
        let stream = try probe(url)
        #expect(stream["codec_name"] as? String == "h264")
        #expect(stream["width"] as? Int == 64)
        #expect(stream["height"] as? Int == 48)
        #expect(stream["pix_fmt"] as? String == "yuv420p")
        #expect(stream["nb_read_frames"] as? String == "10")
    }

    @Test("faststart puts the moov index before the media data")
    func faststart() throws {
        let url = folder.appendingPathComponent("fast.mp4")
        let writer = try FFmpegVideoWriter(url: url, width: 32, height: 32, fps: 5, preset: "ultrafast")
        for i in 0..<3 { try writer.append(VideoTestFrames.movingSquare(width: 32, height: 32, frame: i)) }
        try writer.finish()
        let bytes = try Data(contentsOf: url)
        let moov = bytes.range(of: Data("moov".utf8))!.lowerBound
        let mdat = bytes.range(of: Data("mdat".utf8))!.lowerBound
        #expect(moov < mdat)
    }

    @Test("odd dimensions are refused before ffmpeg starts, naming the file")
    func oddDimensions() {
        let url = folder.appendingPathComponent("odd.mp4")
        #expect(throws: ToonIOError(url: url, .video(.oddDimensions(width: 63, height: 48)))) {
            try FFmpegVideoWriter(url: url, width: 63, height: 48, fps: 10)
        }
        #expect("\(ToonIOError(url: url, .video(.oddDimensions(width: 63, height: 48))))".contains("odd.mp4"))
    }

    @Test("an ffmpeg failure becomes one line with ffmpeg's own message, and no file is left")
    func ffmpegFailure() throws {
        let url = folder.appendingPathComponent("bad.mp4")
        do {
            let writer = try FFmpegVideoWriter(url: url, width: 32, height: 32, fps: 10, preset: "no-such-preset")
            for i in 0..<3 { try writer.append(VideoTestFrames.movingSquare(width: 32, height: 32, frame: i)) }
            try writer.finish()
            Issue.record("expected ffmpeg to fail")
        } catch {
            guard case .ffmpegFailed(let status, let line) = error.videoProblem else {
                Issue.record("unexpected \(error)"); return
            }
            #expect(status != 0)
            #expect(!line.isEmpty && !line.contains("\n"))
            #expect(error.description.hasPrefix(url.path))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test("a cancelled MP4 stops ffmpeg and leaves no file")
    func cancelled() throws {
        let writer = try FFmpegVideoWriter(url: folder.appendingPathComponent("gone.mp4"), width: 32, height: 32, fps: 10, preset: "ultrafast")
        try writer.append(VideoTestFrames.movingSquare(width: 32, height: 32, frame: 0))
        writer.cancel()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}

@Suite("Video writer selection", .computeFromEnvironment)
struct VideoWriterSelectionTests {
    @Test("a missing ffmpeg gives the install hint, naming the file")
    func ffmpegMissing() {
        let folder = videoTestFolder()
        let url = folder.appendingPathComponent("clip.mp4")
        #expect(FFmpegExecutable.locate(searchPath: "/nonexistent:/also/missing") == nil)
        #expect {
            try FFmpegVideoWriter(url: url, width: 8, height: 8, fps: 10, executable: URL(fileURLWithPath: "/nonexistent/ffmpeg"))
        } throws: { error in
            "\(error)" == "\(url.path): ffmpeg not found; install it (Debian: apt-get install ffmpeg)"
        }
    }

    @Test("the extension picks the format; anything but .gif and .mp4 is refused by name",
          arguments: [("a.gif", VideoFormat.gif), ("b.GIF", .gif), ("c.mp4", .mp4)])
    func formats(name: String, format: VideoFormat) throws {
        #expect(try VideoFormat(url: URL(fileURLWithPath: "/tmp/\(name)")) == format)
    }

    @Test("an unsupported extension names the file and the formats that work", arguments: ["clip.mov", "clip.webm", "clip"])
    func unsupported(name: String) {
        let url = URL(fileURLWithPath: "/tmp/\(name)")
        #expect {
            _ = try VideoFormat.openWriter(url: url, width: 8, height: 8, fps: 10)
        } throws: { error in
            "\(error)".hasPrefix(url.path) && "\(error)".contains(".gif or .mp4")
        }
    }

    @Test("openWriter gives a GIF writer with the delay closest to the frame rate")
    func opensGIF() throws {
        let folder = videoTestFolder()
        let writer = try VideoFormat.openWriter(url: folder.appendingPathComponent("w.gif"), width: 4, height: 4, fps: 25)
        #expect((writer as? GIFWriter)?.frameDelay == 4)
        writer.cancel()
    }

    @Test("ffmpeg's last stderr line is the one reported")
    func lastLine() {
        #expect(FFmpegExecutable.lastLine(of: Data("first\n  Error: bad thing  \n\n".utf8)) == "Error: bad thing")
        #expect(FFmpegExecutable.lastLine(of: Data()) == "(no message on stderr)")
    }
}
