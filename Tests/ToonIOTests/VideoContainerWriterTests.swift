import Foundation
import Testing
@testable import ToonIO
import ToonTestSupport

@Suite("Video containers with the input's audio", .computeFromEnvironment, .enabled(if: TestVideos.installed, Comment(rawValue: TestVideos.missing)))
final class VideoContainerWriterTests {
    let folder = videoTestFolder()
    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Writes 25 moving-square frames at 25 fps into `name` with `source`'s audio.
    private func write(_ name: String, width: Int = 64, height: Int = 48, audioFrom source: URL) throws -> URL {
        let info = try FFmpegVideoReader.probe(source)
        let url = folder.appendingPathComponent(name)
        let writer = try FFmpegVideoWriter(url: url, width: width, height: height, rate: FrameRate(25),
                                           container: VideoContainer(url: url)!,
                                           audio: AudioSource(url: source, codecs: info.audioCodecs), preset: "ultrafast")
        for i in 0..<25 { try writer.append(VideoTestFrames.movingSquare(width: width, height: height, frame: i)) }
        try writer.finish()
        return url
    }

    @Test("MP4, QuickTime and Matroska copy AAC unchanged: same packets, duration within 30 ms, 25 H.264 frames at 25/1")
    func copiesAudio() throws {
        let source = folder.appendingPathComponent("source.mp4")
        try TestVideos.testsrc(source, width: 64, height: 48)
        let sourceAudio = try TestVideos.streams(source).first { $0["codec_type"] as? String == "audio" }!
        for name in ["out.mp4", "out.mov", "out.mkv"] {
            let url = try write(name, audioFrom: source)
            let streams = try TestVideos.streams(url)
            let video = streams.first { $0["codec_type"] as? String == "video" }
            let audio = streams.first { $0["codec_type"] as? String == "audio" }
            #expect(video?["codec_name"] as? String == "h264", "\(name)")
            #expect(video?["nb_read_frames"] as? String == "25", "\(name)")
            #expect(video?["r_frame_rate"] as? String == "25/1", "\(name)")
            #expect(audio?["codec_name"] as? String == "aac", "\(name)")
            #expect(try TestVideos.audioPacketsMD5(url) == TestVideos.audioPacketsMD5(source), "\(name): the audio packets byte for byte")
            if name != "out.mkv" {
                let durations = [audio, sourceAudio].map { Double($0?["duration"] as? String ?? "") ?? .nan }
                #expect(abs(durations[0] - durations[1]) < 0.03, "\(name): \(durations)")
            }
        }
    }

    @Test("WebM cannot hold AAC: VP9 with the audio re-encoded to Opus, as AudioSource says")
    func webmReencodes() throws {
        let source = folder.appendingPathComponent("source.mp4")
        try TestVideos.testsrc(source, width: 64, height: 48)
        #expect(AudioSource(url: source, codecs: ["aac"]).reencoding(into: .webm) == ["opus"])
        #expect(AudioSource(url: source, codecs: ["opus"]).reencoding(into: .webm) == [nil])
        let url = try write("out.webm", audioFrom: source)
        let streams = try TestVideos.streams(url)
        #expect(streams.map { $0["codec_name"] as? String } == ["vp9", "opus"])
        #expect(abs(try TestVideos.duration(url) - 1) < 0.1, "duration within 100 ms of 1 s")
    }

    @Test("a silent input gives a silent output; odd sizes keep their size in 4:4:4")
    func silentAndOdd() throws {
        let source = folder.appendingPathComponent("silent.mp4")
        try TestVideos.testsrc(source, width: 64, height: 48, audio: nil)
        let url = try write("odd.mp4", width: 33, height: 17, audioFrom: source)
        let streams = try TestVideos.streams(url)
        #expect(streams.count == 1)
        #expect(streams.first?["width"] as? Int == 33 && streams.first?["height"] as? Int == 17)
        #expect(streams.first?["pix_fmt"] as? String == "yuv444p")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["odd.mp4", "silent.mp4"])
    }
}
