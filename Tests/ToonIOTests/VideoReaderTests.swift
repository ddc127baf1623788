import Foundation
import Testing
@testable import ToonIO
import ToonTestSupport

/// Reads every frame of `reader` into one byte string.
private func readAll(_ reader: FFmpegVideoReader) throws -> (frames: Int, bytes: [UInt8]) {
    var bytes: [UInt8] = [], frames = 0
    while let frame = try reader.next() {
        #expect(frame.width == reader.info.width && frame.height == reader.info.height)
        bytes += frame.pixels
        frames += 1
    }
    return (frames, bytes)
}

/// Mean absolute difference of two equally long byte strings, in 8-bit levels.
private func meanDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
    precondition(a.count == b.count && !a.isEmpty)
    return zip(a, b).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(a.count)
}

@Suite("Video reader through ffmpeg", .computeFromEnvironment, .enabled(if: TestVideos.installed, Comment(rawValue: TestVideos.missing)))
final class VideoReaderTests {
    let folder = videoTestFolder()
    deinit { try? FileManager.default.removeItem(at: folder) }

    @Test("a 64x48 25 fps testsrc clip with a sine track: probed size, rate, count, audio; frames byte-equal to ffmpeg's own decode")
    func readsTestsrc() throws {
        let url = folder.appendingPathComponent("clip.mp4")
        try TestVideos.testsrc(url, width: 64, height: 48)
        let reader = try FFmpegVideoReader(url: url)
        #expect(reader.info.width == 64 && reader.info.height == 48)
        #expect(reader.info.frameRate == FrameRate(25))
        #expect(reader.info.frameCount == 25)
        #expect(reader.info.rotation == 0)
        #expect(reader.info.videoCodec == "h264")
        #expect(reader.info.audioCodecs == ["aac"])
        #expect(abs((reader.info.duration ?? 0) - 1) < 0.05, "duration within 50 ms of 1 s")
        let (frames, bytes) = try readAll(reader)
        #expect(frames == 25)
        #expect(bytes == [UInt8](try TestVideos.rawFrames(url)))
        #expect(try reader.next() == nil)
    }

    @Test("rotation metadata: frames come upright, the size swapped, within 2 levels of ffmpeg's own transpose of the unrotated clip")
    func rotated() throws {
        let plain = folder.appendingPathComponent("plain.mp4"), turned = folder.appendingPathComponent("turned.mp4")
        try TestVideos.testsrc(plain, width: 64, height: 48, audio: nil)
        try TestVideos.run("ffmpeg", ["-y", "-i", plain.path, "-c", "copy", "-metadata:s:v:0", "rotate=90", turned.path])
        let reader = try FFmpegVideoReader(url: turned)
        #expect(reader.info.width == 48 && reader.info.height == 64)
        #expect([90, 270].contains(reader.info.rotation))
        let (frames, bytes) = try readAll(reader)
        #expect(frames == 25)
        // transpose=clock turns 90 degrees clockwise, cclock the other way; only the probed one matches.
        let right = reader.info.rotation == 90 ? "transpose=clock" : "transpose=cclock"
        let wrong = reader.info.rotation == 90 ? "transpose=cclock" : "transpose=clock"
        // Chroma is resampled after the turn on one side and before it on the other: a small difference.
        #expect(meanDifference(bytes, [UInt8](try TestVideos.rawFrames(plain, filter: right))) < 2)
        #expect(meanDifference(bytes, [UInt8](try TestVideos.rawFrames(plain, filter: wrong))) > 20)
    }

    @Test("odd sizes (33x17, 4:4:4 in Matroska) are read at their size, byte-equal to ffmpeg's decode")
    func oddSize() throws {
        let url = folder.appendingPathComponent("odd.mkv")
        try TestVideos.testsrc(url, width: 33, height: 17, rate: "30000/1001", seconds: 0.5, audio: ["-c:a", "libopus"],
                               codec: ["-c:v", "libx264", "-pix_fmt", "yuv444p", "-preset", "ultrafast"])
        let reader = try FFmpegVideoReader(url: url)
        #expect(reader.info.width == 33 && reader.info.height == 17)
        #expect(reader.info.frameRate == FrameRate(30000, 1001))
        #expect(reader.info.audioCodecs == ["opus"])
        let (frames, bytes) = try readAll(reader)
        #expect(frames == 15)
        #expect(bytes == [UInt8](try TestVideos.rawFrames(url)))
    }

    @Test("a file cut short: the frames before the cut, then one error naming the file")
    func truncated() throws {
        let whole = folder.appendingPathComponent("whole.mp4"), cut = folder.appendingPathComponent("cut.mp4")
        try TestVideos.testsrc(whole, width: 64, height: 48, seconds: 2, audio: nil, extra: ["-movflags", "+faststart"])
        let data = try Data(contentsOf: whole)
        try data.prefix(data.count * 6 / 10).write(to: cut)
        let reader = try FFmpegVideoReader(url: cut)
        var frames = 0
        let error = #expect(throws: ToonIOError.self) { while try reader.next() != nil { frames += 1 } }
        #expect(frames < 50)
        #expect(error?.description.hasPrefix(cut.path + ": the video is damaged or cut short") == true, "\(String(describing: error))")
        // The index at the end is gone too: not readable at all.
        let tail = folder.appendingPathComponent("tail.mp4")
        try TestVideos.testsrc(tail, width: 64, height: 48, audio: nil)
        try (try Data(contentsOf: tail)).prefix(2000).write(to: tail)
        #expect(throws: ToonIOError.self) { try FFmpegVideoReader(url: tail) }
    }

    @Test("a text file, an audio-only file and a missing file: one line each, naming the file")
    func notVideos() throws {
        let text = folder.appendingPathComponent("notes.mp4")
        try Data("hello, not a video\n".utf8).write(to: text)
        let notVideo = #expect(throws: ToonIOError.self) { try FFmpegVideoReader(url: text) }
        #expect(notVideo?.description.hasPrefix(text.path + ": not a video ToonKit can read") == true, "\(String(describing: notVideo))")
        #expect(notVideo?.description.contains("\n") == false)

        let sound = folder.appendingPathComponent("tone.m4a")
        try TestVideos.run("ffmpeg", ["-y", "-f", "lavfi", "-i", "sine=duration=0.5", "-c:a", "aac", sound.path])
        #expect(throws: ToonIOError(url: sound, .video(.noVideoStream))) { try FFmpegVideoReader(url: sound) }

        let missing = folder.appendingPathComponent("missing.mp4")
        let error = #expect(throws: ToonIOError.self) { try FFmpegVideoReader(url: missing) }
        #expect(error?.description == missing.path + ": cannot read the file (no such file)")
    }

    @Test("closing early stops ffmpeg and ends the frames")
    func closesEarly() throws {
        let url = folder.appendingPathComponent("long.mp4")
        try TestVideos.testsrc(url, width: 64, height: 48, seconds: 4, audio: nil)
        let reader = try FFmpegVideoReader(url: url)
        #expect(try reader.next() != nil)
        reader.close()
        #expect(try reader.next() == nil)
        #expect(reader.framesRead == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["long.mp4"])
    }

    /// A folder holding a shell script as `ffmpeg` and the real ffprobe beside it.
    private func fakeFFmpeg(_ body: String) throws -> URL {
        let tools = folder.appendingPathComponent("tools-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tools, withIntermediateDirectories: true)
        let script = tools.appendingPathComponent("ffmpeg")
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: script)
        chmod(script.path, 0o755)
        try FileManager.default.createSymbolicLink(at: tools.appendingPathComponent("ffprobe"),
                                                   withDestinationURL: FFmpegExecutable.locate("ffprobe")!)
        return script
    }

    @Test("an ffmpeg that writes nothing and uses no CPU is killed by the watchdog (1 s here) and reported as stalled")
    func stalls() throws {
        let url = folder.appendingPathComponent("clip.mp4")
        try TestVideos.testsrc(url, width: 64, height: 48, audio: nil)
        let script = try fakeFFmpeg("exec sleep 1000")
        let reader = try FFmpegVideoReader(url: url, executable: script, stallTimeout: 1)
        #expect(throws: ToonIOError(url: url, .video(.ffmpegStalled(seconds: 1)))) { try reader.next() }
        #expect(!ChildList.mentions(script.path))
    }

    @Test("a decoder that stops inside a frame, exiting 0 and printing nothing, is a damaged video naming the bytes")
    func shortFrame() throws {
        let url = folder.appendingPathComponent("clip.mp4")
        try TestVideos.testsrc(url, width: 64, height: 48, audio: nil)
        // One whole 64x48 frame (9216 bytes) and 100 bytes of the next.
        let script = try fakeFFmpeg("head -c 9316 /dev/zero")
        let reader = try FFmpegVideoReader(url: url, executable: script)
        #expect(try reader.next() != nil)
        #expect(throws: ToonIOError(url: url, .video(.damaged("frame 2 ends after 100 of 9216 bytes")))) { try reader.next() }
    }
}
