import Foundation

/// The containers `toon stylize` writes video into, chosen by the output's extension, with the
/// codecs ffmpeg puts in each: H.264 in MP4, QuickTime and Matroska; VP9 in WebM.
public enum VideoContainer: String, Sendable, CaseIterable {
    case mp4, mov, webm, mkv

    /// The container named by `url`'s extension (case-insensitive); nil for any other.
    public init?(url: URL) {
        self.init(rawValue: url.pathExtension.lowercased())
    }

    /// ffmpeg's muxer name (the temporary file has no extension to guess from).
    var muxer: String {
        switch self {
        case .mp4: "mp4"
        case .mov: "mov"
        case .webm: "webm"
        case .mkv: "matroska"
        }
    }

    /// Whether an audio stream of `codec` (ffprobe's name) can be copied in unchanged. Matroska
    /// holds anything; WebM only Opus and Vorbis; MP4 and QuickTime the common compressed codecs
    /// (and QuickTime PCM).
    public func holdsAudio(_ codec: String) -> Bool {
        switch self {
        case .mkv: true
        case .webm: ["opus", "vorbis"].contains(codec)
        case .mp4: ["aac", "mp3", "alac", "ac3", "eac3", "opus"].contains(codec)
        case .mov: ["aac", "mp3", "alac", "ac3", "eac3"].contains(codec) || codec.hasPrefix("pcm_")
        }
    }

    /// The encoder for audio this container cannot hold as it is: AAC, or Opus for WebM.
    public var audioReencoding: (codec: String, arguments: [String]) {
        self == .webm ? ("opus", ["libopus", "-b:a", "128k"]) : ("aac", ["aac", "-b:a", "192k"])
    }

    /// The video encoder's arguments. Odd sizes take 4:4:4 chroma (4:2:0 needs even sides), so the
    /// frame size is kept exactly; `crf` is x264's scale, moved onto VP9's by +13 (18 -> 31).
    func videoArguments(width: Int, height: Int, crf: Int, preset: String) -> [String] {
        let chroma = width % 2 == 0 && height % 2 == 0 ? "yuv420p" : "yuv444p"
        switch self {
        case .webm:
            return ["-c:v", "libvpx-vp9", "-crf", "\(min(crf + 13, 63))", "-b:v", "0", "-deadline", "good",
                    "-cpu-used", "5", "-row-mt", "1", "-pix_fmt", chroma]
        case .mp4, .mov, .mkv:
            return ["-c:v", "libx264", "-preset", preset, "-crf", "\(crf)", "-pix_fmt", chroma]
        }
    }
}

/// Where the audio of a stylized video comes from: the original file, each stream copied when the
/// container holds its codec, else re-encoded.
public struct AudioSource: Sendable, Equatable {
    /// The file the audio streams are taken from (the input video).
    public var url: URL
    /// Its audio streams' codecs, in order (`VideoInfo.audioCodecs`).
    public var codecs: [String]

    /// Audio from `url`, whose audio streams have `codecs`.
    public init(url: URL, codecs: [String]) {
        self.url = url
        self.codecs = codecs
    }

    /// For each stream: nil when copied, else the codec it is re-encoded to.
    public func reencoding(into container: VideoContainer) -> [String?] {
        codecs.map { container.holdsAudio($0) ? nil : container.audioReencoding.codec }
    }

    /// Arguments after the raw-video input: the source as input 1, its audio mapped, each stream's codec.
    func arguments(into container: VideoContainer) -> [String] {
        guard !codecs.isEmpty else { return ["-map", "0:v:0"] }
        var arguments = ["-i", url.path, "-map", "0:v:0", "-map", "1:a"]
        for (index, codec) in codecs.enumerated() {
            arguments += ["-c:a:\(index)"] + (container.holdsAudio(codec) ? ["copy"] : container.audioReencoding.arguments)
        }
        return arguments
    }
}

extension FFmpegExecutable {
    /// Raw RGB24 frames on stdin at `rate`, encoded for `container`, with `audio`'s streams (or none).
    static func containerArguments(width: Int, height: Int, rate: FrameRate, container: VideoContainer, crf: Int,
                                   preset: String, audio: AudioSource?, output: String) -> [String] {
        var arguments = [
            "-hide_banner", "-nostats", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "\(width)x\(height)", "-framerate", rate.description,
            "-i", "pipe:0",
        ]
        arguments += audio.map { $0.arguments(into: container) } ?? ["-map", "0:v:0"]
        if audio?.codecs.isEmpty ?? true { arguments.append("-an") }
        arguments += container.videoArguments(width: width, height: height, crf: crf, preset: preset)
        if container == .mp4 || container == .mov { arguments += ["-movflags", "+faststart"] }
        return arguments + ["-f", container.muxer, output]
    }
}
