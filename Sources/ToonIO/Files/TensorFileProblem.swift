import Foundation

extension ToonIOError {
    /// Why a tensor file (.npy, safetensors) could not be read; the associated text gives the
    /// specifics (offsets, sizes, names).
    public enum TensorFileProblem: Equatable, Sendable {
        /// The file could not be opened or mapped; the text is the system's reason.
        case cannotOpen(String)
        /// The file ends before the data its header promises.
        case truncated(String)
        /// The first bytes are not this format's signature.
        case badMagic(String)
        /// The header is malformed or inconsistent.
        case badHeader(String)
        /// An element type this reader does not convert.
        case unsupportedDType(String)
        /// A memory layout this reader does not handle (Fortran order, for example).
        case unsupportedLayout(String)
        /// The data's byte count does not agree with the shape and element type.
        case sizeMismatch(String)
        /// A tensor name that the file does not contain.
        case missingTensor(String)

        /// Kept on one line even when the details quote a hostile header.
        var message: String {
            let text = switch self {
            case .cannotOpen(let detail): "cannot open: \(detail)"
            case .truncated(let detail): "truncated: \(detail)"
            case .badMagic(let detail): "bad magic: \(detail)"
            case .badHeader(let detail): "bad header: \(detail)"
            case .unsupportedDType(let detail): "unsupported dtype: \(detail)"
            case .unsupportedLayout(let detail): "unsupported layout: \(detail)"
            case .sizeMismatch(let detail): "size mismatch: \(detail)"
            case .missingTensor(let detail): "no tensor named \(detail)"
            }
            return text.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
        }
    }
}
