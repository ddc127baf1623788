/// The two file formats ToonIO reads and writes.
public enum ImageCodec: String, Sendable, Equatable {
    case png = "PNG"
    case jpeg = "JPEG"
}

extension ToonIOError {
    /// Why an image could not be read, written or built. The error's file is the image's path, or
    /// a placeholder such as "<memory>" or "<tensor>".
    public enum ImageProblem: Equatable, Sendable {
        /// The file could not be opened or read; the operating system's reason.
        case unreadable(String)
        /// The file has no bytes.
        case empty
        /// The first bytes are neither a PNG nor a JPEG signature.
        case notAnImage
        /// The data ends before the image does.
        case truncated(ImageCodec)
        /// The codec library rejected the data; its message.
        case corrupt(ImageCodec, String)
        /// The header declares more than 65535 pixels a side or 2^28 pixels in all.
        case tooLarge(width: Int, height: Int)
        /// A valid file or request that ToonIO does not handle (an unusual JPEG colour space, alpha in JPEG, ...).
        case unsupported(String)
        /// Writing without a format to a name whose extension names none.
        case unknownExtension(String)
        /// Encoding or the atomic write failed; the reason.
        case cannotWrite(String)
        /// Memory for the pixels or the encoded file could not be had.
        case outOfMemory
        /// `Image(tensor:)` got a shape that is not one image.
        case notAnImageTensor(shape: [Int])

        var message: String {
            switch self {
            case .unreadable(let reason): "cannot read: \(reason)"
            case .empty: "empty file, not an image"
            case .notAnImage: "not an image (neither PNG nor JPEG)"
            case .truncated(let codec): "truncated \(codec.rawValue)"
            case .corrupt(let codec, let message): "corrupt \(codec.rawValue): \(message)"
            case .tooLarge(let width, let height): "image too large: \(width)x\(height)"
            case .unsupported(let reason): "unsupported image: \(reason)"
            case .unknownExtension(let ext):
                "cannot tell the format from the extension '\(ext)' (use .png, .jpg or .jpeg, or pass a format)"
            case .cannotWrite(let reason): "cannot write: \(reason)"
            case .outOfMemory: "out of memory"
            case .notAnImageTensor(let shape):
                "a tensor of shape \(shape) is not an image (expected [C, H, W] or [1, C, H, W] with C in 1...4)"
            }
        }
    }
}
