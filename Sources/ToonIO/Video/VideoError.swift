import Foundation

/// Why a frame, GIF or video could not be made; `description` is one line naming the file.
public struct VideoError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, with enough detail to act on.
    public enum Problem: Equatable, Sendable {
        /// The tensor handed to `RGBFrame(tensor:range:)` is not [3,H,W] or [1,3,H,W].
        case tensorShape([Int])
        /// A frame does not have the size the writer was opened with.
        case frameSize(expected: String, got: String)
        /// H.264 in yuv420p needs even width and height.
        case oddDimensions(width: Int, height: Int)
        /// Width or height is zero, negative or beyond the format's limit.
        case invalidDimensions(width: Int, height: Int, limit: Int)
        /// The file extension names no format ToonKit writes.
        case unsupportedFormat(String)
        /// The destination's folder does not exist.
        case missingFolder(String)
        /// `ffmpeg` is not on PATH.
        case ffmpegMissing
        /// ffmpeg exited with a non-zero status; the last line it printed on stderr.
        case ffmpegFailed(status: Int32, lastLine: String)
        /// A file-system call failed.
        case io(String)
        /// `append` or `finish` after the writer was finished or cancelled.
        case closed
    }

    /// The output file, when there is one (nil for in-memory frame conversions).
    public let url: URL?
    public let problem: Problem

    public init(url: URL?, _ problem: Problem) {
        self.url = url
        self.problem = problem
    }

    public var description: String {
        let prefix = url.map { "\($0.path): " } ?? ""
        return prefix + reason
    }

    private var reason: String {
        switch problem {
        case .tensorShape(let shape):
            return "a frame needs a [3,H,W] or [1,3,H,W] tensor, got \(shape)"
        case .frameSize(let expected, let got):
            return "frame is \(got), the writer was opened for \(expected)"
        case .oddDimensions(let width, let height):
            return "H.264 (yuv420p) needs even dimensions, got \(width)x\(height); pad or crop the frames by one pixel"
        case .invalidDimensions(let width, let height, let limit):
            return "dimensions \(width)x\(height) are outside 1...\(limit)"
        case .unsupportedFormat(let ext):
            return "cannot write '.\(ext)' video; use .gif or .mp4"
        case .missingFolder(let folder):
            return "the folder \(folder) does not exist"
        case .ffmpegMissing:
            return "ffmpeg not found; install it (Debian: apt-get install ffmpeg)"
        case .ffmpegFailed(let status, let lastLine):
            return "ffmpeg failed (exit \(status)): \(lastLine)"
        case .io(let message):
            return message
        case .closed:
            return "the writer is already finished or cancelled"
        }
    }
}
