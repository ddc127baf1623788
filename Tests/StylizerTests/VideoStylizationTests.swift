import Foundation
import Testing
import ToonCore
import ToonIO
import ToonTestSupport
@testable import Stylizer

/// A scratch folder per suite instance.
func stylizerTestFolder() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("toonkit-stylize-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Mean absolute difference of two frames' bytes, in 8-bit levels.
func meanLevels(_ a: RGBFrame, _ b: RGBFrame) -> Double {
    precondition(a.pixels.count == b.pixels.count)
    return zip(a.pixels, b.pixels).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(a.pixels.count)
}

@Suite("Stylizing video", .computeFromEnvironment, .enabled(if: TestVideos.installed, Comment(rawValue: TestVideos.missing)))
final class VideoStylizationTests {
    let folder = stylizerTestFolder()
    deinit { try? FileManager.default.removeItem(at: folder) }
    let student = StudentModel.initial(StudentConfig(width: 4, bridgeBlocks: 1, levels: 2), seed: 5)

    @Test("full frame, 65x45 at 25 fps with AAC: 25 H.264 frames of that size and rate, the audio packets unchanged, each frame within 2 levels (x264 lossless 4:4:4, RGB to YUV and back) of the student's own output")
    func endToEnd() throws {
        let input = folder.appendingPathComponent("clip.mp4"), output = folder.appendingPathComponent("toon.mp4")
        try TestVideos.testsrc(input, width: 65, height: 45, codec: ["-c:v", "libx264", "-pix_fmt", "yuv444p", "-preset", "ultrafast"])
        var reported: [Int] = []
        let summary = try VideoStylization(student: student, crf: 0, preset: "ultrafast").run(input: input, output: output) { done, total in
            reported.append(done)
            #expect(total == 25)
        }
        #expect(summary.frames == 25 && summary.width == 65 && summary.height == 45 && summary.rate == FrameRate(25))
        #expect(summary.audio == [nil])
        #expect(reported == Array(1...25))
        let streams = try TestVideos.streams(output)
        #expect(streams.map { $0["codec_name"] as? String } == ["h264", "aac"])
        #expect(streams[0]["width"] as? Int == 65 && streams[0]["height"] as? Int == 45)
        #expect(streams[0]["nb_read_frames"] as? String == "25" && streams[0]["r_frame_rate"] as? String == "25/1")
        #expect(try TestVideos.audioPacketsMD5(output) == TestVideos.audioPacketsMD5(input))
        let durations = [try TestVideos.streams(input)[1]["duration"], streams[1]["duration"]].map { Double($0 as? String ?? "") ?? .nan }
        #expect(abs(durations[0] - durations[1]) < 0.03, "audio duration within 30 ms: \(durations)")
        // The written frames are the student's frames, up to the encoder's loss.
        let source = try FFmpegVideoReader(url: input), written = try FFmpegVideoReader(url: output)
        while let frame = try source.next() {
            let expected = student.stylize(frame: frame)
            let got = try #require(try written.next())
            #expect(meanLevels(expected, got) < 2, "frame \(source.framesRead)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["clip.mp4", "toon.mp4"])
    }

    @Test("a cut-short video, a text file named .mp4 and a missing one fail with one line naming the input, and leave no output or temporary file")
    func failuresLeaveNothing() throws {
        let whole = folder.appendingPathComponent("whole.mp4"), cut = folder.appendingPathComponent("cut.mp4")
        try TestVideos.testsrc(whole, width: 64, height: 48, seconds: 2, extra: ["-movflags", "+faststart"])
        let data = try Data(contentsOf: whole)
        try data.prefix(data.count / 2).write(to: cut)
        let text = folder.appendingPathComponent("text.mp4")
        try Data("not a video".utf8).write(to: text)
        for input in [cut, text, folder.appendingPathComponent("missing.mov")] {
            let output = folder.appendingPathComponent("out.mp4")
            let error = #expect(throws: ToonIOError.self) { try VideoStylization(student: student, preset: "ultrafast").run(input: input, output: output) }
            #expect(error?.file == input.path, "\(String(describing: error))")
            #expect(error?.description.contains("\n") == false)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["cut.mp4", "text.mp4", "whole.mp4"])
        }
    }

    @Test("an error thrown by the progress callback stops the run at that frame and leaves no output or temporary file")
    func progressStops() throws {
        struct Stop: Error {}
        let input = folder.appendingPathComponent("stop.mp4"), output = folder.appendingPathComponent("stopped.mp4")
        try TestVideos.testsrc(input, width: 32, height: 32, seconds: 2)
        var seen: [Int] = []
        #expect(throws: Stop.self) {
            try VideoStylization(student: student, preset: "ultrafast").run(input: input, output: output) { done, _ in
                seen.append(done)
                if done == 3 { throw Stop() }
            }
        }
        #expect(seen == [1, 2, 3])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["stop.mp4"])
    }

    @Test("rotation metadata: frames are written upright with the size turned, and WebM takes the audio as Opus")
    func rotatedToWebM() throws {
        let plain = folder.appendingPathComponent("plain.mp4"), turned = folder.appendingPathComponent("turned.mov")
        try TestVideos.testsrc(plain, width: 64, height: 48, seconds: 0.4)
        try TestVideos.run("ffmpeg", ["-y", "-i", plain.path, "-c", "copy", "-metadata:s:v:0", "rotate=90", turned.path])
        let output = folder.appendingPathComponent("toon.webm")
        let summary = try VideoStylization(student: student).run(input: turned, output: output)
        #expect(summary.width == 48 && summary.height == 64 && [90, 270].contains(summary.rotation))
        #expect(summary.audio == ["opus"])
        let streams = try TestVideos.streams(output)
        #expect(streams.map { $0["codec_name"] as? String } == ["vp9", "opus"])
        #expect(streams[0]["width"] as? Int == 48 && streams[0]["height"] as? Int == 64)
        #expect(streams[0]["nb_read_frames"] as? String == "10")
        #expect(try FFmpegVideoReader.probe(output).rotation == 0)
    }

    @Test("an output extension that is no video container is refused before anything is read")
    func badContainer() throws {
        let output = folder.appendingPathComponent("toon.avi")
        let error = #expect(throws: ToonIOError.self) {
            try VideoStylization(student: student).run(input: folder.appendingPathComponent("any.mp4"), output: output)
        }
        #expect(error?.file == output.path)
    }

    @Test("a frame stylized through RGBFrame equals the picture path within 1 level (quantization rules differ by rounding)")
    func framePathMatchesImagePath() throws {
        var random = SplitMix64(state: 9)
        let frame = RGBFrame(width: 13, height: 10, pixels: (0..<(13 * 10 * 3)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        let viaFrame = student.stylize(frame: frame)
        let viaImage = try RGBFrame(tensor: try student.stylize(Image(frame: frame)).tensor(range: 0...1), range: 0...1)
        #expect(zip(viaFrame.pixels, viaImage.pixels).allSatisfy { abs(Int($0) - Int($1)) <= 1 })
    }
}
