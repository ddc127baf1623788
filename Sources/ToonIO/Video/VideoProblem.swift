extension ToonIOError {
    /// Why a frame, GIF or video could not be made, with enough detail to act on. The error's file
    /// is the output file, or nil for in-memory frame conversions.
    public enum VideoProblem: Equatable, Sendable {
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
        /// ffmpeg neither used CPU time nor wrote anything for this many seconds, and was killed.
        case ffmpegStalled(seconds: Int)
        /// ffmpeg reported success, but its error output or the written file says otherwise.
        case incompleteOutput(String)
        /// A file-system call failed.
        case io(String)
        /// `append` or `finish` after the writer was finished or cancelled.
        case closed
        /// ffprobe cannot read the file as a media file; its message.
        case notAVideo(String)
        /// A media file without a video stream (audio only, or only a cover picture).
        case noVideoStream
        /// The video stream has no usable size or frame rate.
        case unusableStream(String)
        /// Decoding stopped early or reported damage; ffmpeg's first message, or what was short.
        case damaged(String)

        var message: String {
            switch self {
            case .tensorShape(let shape):
                "a frame needs a [3,H,W] or [1,3,H,W] tensor, got \(shape)"
            case .frameSize(let expected, let got):
                "frame is \(got), the writer was opened for \(expected)"
            case .oddDimensions(let width, let height):
                "H.264 (yuv420p) needs even dimensions, got \(width)x\(height); pad or crop the frames by one pixel"
            case .invalidDimensions(let width, let height, let limit):
                "dimensions \(width)x\(height) are outside 1...\(limit)"
            case .unsupportedFormat(let ext):
                "cannot write '.\(ext)' video; use .gif or .mp4"
            case .missingFolder(let folder):
                "the folder \(folder) does not exist"
            case .ffmpegMissing:
                "ffmpeg not found; install it (Debian: apt-get install ffmpeg)"
            case .ffmpegFailed(let status, let lastLine):
                "ffmpeg failed (exit \(status)): \(lastLine)"
            case .ffmpegStalled(let seconds):
                "ffmpeg made no progress for \(seconds) s and was stopped; nothing was written"
            case .incompleteOutput(let why):
                "ffmpeg did not write a complete video (\(why)); nothing was written"
            case .io(let message):
                message
            case .closed:
                "the writer is already finished or cancelled"
            case .notAVideo(let why):
                "not a video ToonKit can read (\(why))"
            case .noVideoStream:
                "has no video stream"
            case .unusableStream(let why):
                "its video stream cannot be read: \(why)"
            case .damaged(let why):
                "the video is damaged or cut short (\(why))"
            }
        }
    }
}
