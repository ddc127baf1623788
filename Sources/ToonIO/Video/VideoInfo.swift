import Foundation

/// A frame rate as the container states it, kept as a fraction so 30000/1001 survives a round trip.
public struct FrameRate: Equatable, Sendable, CustomStringConvertible {
    /// Frames in `denominator` seconds.
    public let numerator: Int
    /// Seconds over which `numerator` frames are shown.
    public let denominator: Int

    /// A rate of `numerator / denominator` frames a second; both must be positive.
    public init(_ numerator: Int, _ denominator: Int = 1) {
        precondition(numerator > 0 && denominator > 0, "frame rate \(numerator)/\(denominator)")
        self.numerator = numerator
        self.denominator = denominator
    }

    /// ffprobe's "30000/1001"; nil for "0/0" and anything that is not a positive fraction.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 1 || parts.count == 2, let n = Int(parts[0]), n > 0, n < 10_000_000 else { return nil }
        let d = parts.count == 2 ? Int(parts[1]) : 1
        guard let d, d > 0, d < 10_000_000 else { return nil }
        self.init(n, d)
    }

    /// Frames a second.
    public var value: Double { Double(numerator) / Double(denominator) }

    /// "num/den", as ffmpeg's -framerate takes it.
    public var description: String { "\(numerator)/\(denominator)" }
}

/// What ffprobe says about a video file, as ToonKit uses it.
public struct VideoInfo: Equatable, Sendable {
    /// Frame size as the reader delivers frames: upright, after `rotation` is applied.
    public let width: Int
    /// Upright frame height.
    public let height: Int
    /// Degrees clockwise the stored frames are turned to show upright (0, 90, 180 or 270): the
    /// display matrix (or the older `rotate` tag) of the video stream.
    public let rotation: Int
    /// The stream's frame rate (r_frame_rate, or avg_frame_rate where that is missing).
    public let frameRate: FrameRate
    /// Frames the container counts (nb_frames), or the duration times the rate where it counts
    /// none (Matroska, WebM); nil when neither is known. For progress, not for loops.
    public let frameCount: Int?
    /// Seconds, from the stream or the container; nil when neither says.
    public let duration: Double?
    /// The video stream's codec name (h264, vp9, ...).
    public let videoCodec: String
    /// The codec name of each audio stream, in file order; empty for a silent video.
    public let audioCodecs: [String]

    /// Whether the file has at least one audio stream.
    public var hasAudio: Bool { !audioCodecs.isEmpty }
}

extension VideoInfo {
    /// Reads ffprobe's `-print_format json -show_streams -show_format` output; the problem in words
    /// when it describes no usable video stream.
    static func parse(probeJSON data: Data) -> Result<VideoInfo, VideoProbeFailure> {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let streams = root["streams"] as? [[String: Any]] else { return .failure(.unreadable) }
        let format = root["format"] as? [String: Any] ?? [:]
        // A cover picture in an audio file is a "video" stream too, with attached_pic set.
        let video = streams.first { stream in
            stream["codec_type"] as? String == "video"
                && ((stream["disposition"] as? [String: Any])?["attached_pic"] as? Int ?? 0) == 0
        }
        guard let video else { return .failure(.noVideoStream) }
        guard let codedWidth = video["width"] as? Int, let codedHeight = video["height"] as? Int,
              (1...16_384).contains(codedWidth), (1...16_384).contains(codedHeight) else {
            return .failure(.badSize("\(video["width"] ?? "?")x\(video["height"] ?? "?")"))
        }
        let rate = (video["r_frame_rate"] as? String).flatMap(FrameRate.init(parsing:))
            ?? (video["avg_frame_rate"] as? String).flatMap(FrameRate.init(parsing:))
        guard let rate, rate.value <= 1000 else { return .failure(.noFrameRate) }
        let rotation = Self.rotation(of: video)
        let turned = rotation == 90 || rotation == 270
        let duration = Self.number(video["duration"]) ?? Self.number(format["duration"])
        let counted = Self.number(video["nb_frames"]).map { Int($0) }
        let estimated = duration.map { Int(($0 * rate.value).rounded()) }
        let audio = streams.filter { $0["codec_type"] as? String == "audio" }.map { $0["codec_name"] as? String ?? "unknown" }
        return .success(VideoInfo(
            width: turned ? codedHeight : codedWidth, height: turned ? codedWidth : codedHeight,
            rotation: rotation, frameRate: rate, frameCount: counted.flatMap { $0 > 0 ? $0 : nil } ?? estimated,
            duration: duration, videoCodec: video["codec_name"] as? String ?? "unknown", audioCodecs: audio))
    }

    /// Clockwise degrees to upright. ffprobe prints the display matrix's angle counter-clockwise
    /// (av_display_rotation_get); the old `rotate` tag is already clockwise.
    private static func rotation(of stream: [String: Any]) -> Int {
        var degrees = 0.0
        if let sides = stream["side_data_list"] as? [[String: Any]],
           let matrix = sides.first(where: { $0["side_data_type"] as? String == "Display Matrix" }),
           let angle = number(matrix["rotation"]) {
            degrees = -angle
        } else if let tags = stream["tags"] as? [String: Any], let angle = number(tags["rotate"]) {
            degrees = angle
        }
        // ffmpeg's autorotate turns only by quarter turns; anything else stays as stored.
        let quarter = Int((degrees / 90).rounded())
        guard abs(degrees - Double(quarter) * 90) < 1 else { return 0 }
        return ((quarter % 4 + 4) % 4) * 90
    }

    /// A JSON number or a numeric string (ffprobe writes durations and counts as strings).
    private static func number(_ value: Any?) -> Double? {
        if let text = value as? String, let number = Double(text), number.isFinite { return number }
        if let number = value as? NSNumber { return number.doubleValue }
        return nil
    }
}

/// Why ffprobe's description does not make a video ToonKit can read.
enum VideoProbeFailure: Error {
    case unreadable
    case noVideoStream
    case badSize(String)
    case noFrameRate
}
