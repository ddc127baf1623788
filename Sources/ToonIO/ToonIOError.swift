import Foundation

/// Every failure in ToonIO: the file it concerns and what went wrong there. One type for the whole
/// layer, so callers catch one thing; the per-area problems (checkpoint, image, ...) live beside
/// the code that throws them. `description` is one line that names the file first.
public struct ToonIOError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Which area failed, with that area's problem.
    public enum Problem: Equatable, Sendable {
        /// A checkpoint (pickle, torch zip) that could not be read.
        case checkpoint(CheckpointProblem)
        /// A tensor file (.npy, safetensors) that could not be read.
        case tensorFile(TensorFileProblem)
        /// An image that could not be read, written or built.
        case image(ImageProblem)
        /// A frame, GIF or video that could not be made.
        case video(VideoProblem)
        /// A grid of frames that could not be composed.
        case grid(GridProblem)
        /// An atomic write that did not complete; the destination was left as it was.
        case write(WriteProblem)
        /// A dataset of images (zip or folder, dataset.json labels) that could not be read or written.
        case dataset(DatasetProblem)
    }

    /// The file (and, for nested checkpoint data, the part of it) or a placeholder such as
    /// "<memory>"; nil where no file is involved (grids, frames made from tensors).
    public let file: String?
    public let problem: Problem

    public init(file: String?, _ problem: Problem) {
        self.file = file
        self.problem = problem
    }

    /// An error about the file at `url`.
    public init(url: URL?, _ problem: Problem) {
        self.init(file: url?.path, problem)
    }

    /// A grid error, which concerns no file.
    public static func grid(_ problem: GridProblem) -> ToonIOError {
        ToonIOError(file: nil, .grid(problem))
    }

    /// One line: the file and a colon where there is one, then the problem.
    public var description: String {
        (file.map { "\($0): " } ?? "") + message
    }

    /// The problem alone, without the file; for layers above that report it under their own file.
    package var message: String {
        switch problem {
        case .checkpoint(let problem): problem.message
        case .tensorFile(let problem): problem.message
        case .image(let problem): problem.message
        case .video(let problem): problem.message
        case .grid(let problem): problem.message
        case .write(let problem): problem.message
        case .dataset(let problem): problem.message
        }
    }

    /// Quotes text taken from a file (a tensor name, a dtype) so that hostile content cannot break
    /// the one-line message: control characters are escaped and long text is cut.
    package static func quoted(_ text: String, limit: Int = 80) -> String {
        var body = String(text.unicodeScalars.prefix(limit).map { scalar -> String in
            scalar.properties.generalCategory == .control ? scalar.escaped(asASCII: true) : String(scalar)
        }.joined())
        if text.unicodeScalars.count > limit { body += "…" }
        return "'\(body)'"
    }
}
