/// The two file formats ToonIO reads and writes.
public enum ImageCodec: String, Sendable, Equatable {
    case png = "PNG"
    case jpeg = "JPEG"
}

/// Why an image could not be read, written or built; `description` is one line naming the file.
public struct ImageError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong.
    public enum Problem: Equatable, Sendable {
        case unreadable(String)
        case empty
        case notAnImage
        case truncated(ImageCodec)
        case corrupt(ImageCodec, String)
        case tooLarge(width: Int, height: Int)
        case unsupported(String)
        case unknownExtension(String)
        case cannotWrite(String)
        case outOfMemory
        case notAnImageTensor(shape: [Int])
    }

    /// The file concerned, or a placeholder such as "<memory>" or "<tensor>".
    public let path: String
    public let problem: Problem

    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        let what: String
        switch problem {
        case .unreadable(let reason): what = "cannot read: \(reason)"
        case .empty: what = "empty file, not an image"
        case .notAnImage: what = "not an image (neither PNG nor JPEG)"
        case .truncated(let codec): what = "truncated \(codec.rawValue)"
        case .corrupt(let codec, let message): what = "corrupt \(codec.rawValue): \(message)"
        case .tooLarge(let width, let height): what = "image too large: \(width)x\(height)"
        case .unsupported(let reason): what = "unsupported image: \(reason)"
        case .unknownExtension(let ext):
            what = "cannot tell the format from the extension '\(ext)' (use .png, .jpg or .jpeg, or pass a format)"
        case .cannotWrite(let reason): what = "cannot write: \(reason)"
        case .outOfMemory: what = "out of memory"
        case .notAnImageTensor(let shape):
            what = "a tensor of shape \(shape) is not an image (expected [C, H, W] or [1, C, H, W] with C in 1...4)"
        }
        return "\(path): \(what)"
    }
}
