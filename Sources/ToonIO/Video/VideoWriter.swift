import Foundation

/// A destination that takes frames one at a time and produces a file on `finish()`.
///
/// Frames are encoded or handed on as they arrive; no writer keeps past frames, so memory does not
/// grow with the length of a video. Until `finish()` returns the output exists only as a hidden
/// temporary file beside it; `cancel()`, a failure, or dropping the writer removes that file.
public protocol VideoWriter: AnyObject {
    /// The file that appears on a successful `finish()`.
    var url: URL { get }
    /// Frame width in pixels; every frame must match.
    var width: Int { get }
    /// Frame height in pixels; every frame must match.
    var height: Int { get }
    /// Encodes one frame.
    func append(_ frame: RGBFrame) throws(ToonIOError)
    /// Completes the file and moves it into place.
    func finish() throws(ToonIOError)
    /// Abandons the output; the destination is left as it was.
    func cancel()
}

/// The video formats ToonKit writes, chosen by file extension.
public enum VideoFormat: String, Sendable, CaseIterable {
    /// Animated GIF, encoded by ToonKit (256 colours per frame).
    case gif
    /// H.264 in MP4, encoded by the `ffmpeg` program.
    case mp4

    /// The format named by `url`'s extension (case-insensitive).
    public init(url: URL) throws(ToonIOError) {
        let ext = url.pathExtension.lowercased()
        guard let format = VideoFormat(rawValue: ext) else { throw ToonIOError(url: url, .video(.unsupportedFormat(ext))) }
        self = format
    }

    /// Opens a writer for `url` in the format its extension names. `crf` applies to MP4 (lower is
    /// better, 18 is visually lossless for most content); `loop` and `dither` apply to GIF.
    public static func openWriter(
        url: URL, width: Int, height: Int, fps: Double,
        crf: Int = FFmpegVideoWriter.defaultCRF, loop: Int? = 0, dither: Bool = true
    ) throws(ToonIOError) -> any VideoWriter {
        switch try VideoFormat(url: url) {
        case .gif:
            return try GIFWriter(url: url, width: width, height: height,
                                 frameDelay: GIFWriter.frameDelay(fps: fps), loop: loop, dither: dither)
        case .mp4:
            return try FFmpegVideoWriter(url: url, width: width, height: height, fps: fps, crf: crf)
        }
    }
}
