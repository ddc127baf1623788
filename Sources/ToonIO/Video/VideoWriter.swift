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
    func append(_ frame: RGBFrame) throws(VideoError)
    /// Completes the file and moves it into place.
    func finish() throws(VideoError)
    /// Abandons the output; the destination is left as it was.
    func cancel()
}
