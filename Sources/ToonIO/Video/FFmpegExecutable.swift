import Foundation

/// Finding the `ffmpeg` program and the arguments ToonKit runs it with.
enum FFmpegExecutable {
    /// The first executable `name` in the colon-separated `searchPath` (the process's PATH when nil).
    static func locate(_ name: String = "ffmpeg", searchPath: String? = nil) -> URL? {
        ProgramSearch.locate(name, searchPath: searchPath)
    }

    /// Raw RGB24 frames on stdin to H.264 yuv420p in an MP4 at `output`.
    ///
    /// `-f mp4` because the temporary name has no extension ffmpeg could guess from;
    /// `+faststart` moves the index to the front so browsers start playing before the download
    /// ends; `-loglevel error` keeps stderr to the lines worth reporting.
    static func mp4Arguments(width: Int, height: Int, fps: Double, crf: Int, preset: String, output: String) -> [String] {
        [
            "-hide_banner", "-nostats", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "\(width)x\(height)", "-framerate", "\(fps)",
            "-i", "pipe:0",
            "-an", "-c:v", "libx264", "-preset", preset, "-crf", "\(crf)", "-pix_fmt", "yuv420p",
            "-movflags", "+faststart", "-f", "mp4", output,
        ]
    }

    /// The last non-empty line of ffmpeg's stderr, or a stand-in when it printed nothing.
    static func lastLine(of log: Data) -> String {
        let text = String(decoding: log, as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).last { !$0.allSatisfy(\.isWhitespace) }
        return line.map { $0.trimmingCharacters(in: .whitespaces) } ?? "(no message on stderr)"
    }

    /// The first line of ffmpeg's stderr that reports a failure, even when it exited with status 0
    /// ("Error writing trailer of ...: No space left on device"). With `-loglevel error` every line
    /// is an error, but some are worth nothing alone, so only these words count.
    static func errorLine(in log: Data) -> String? {
        let text = String(decoding: log, as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).first { line in
            let lower = line.lowercased()
            return lower.contains("error") || lower.contains("no space left") || lower.contains("quota exceeded")
                || lower.contains("i/o error") || lower.contains("failed")
        }
        return line.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
