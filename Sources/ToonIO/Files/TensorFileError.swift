import Foundation

/// A tensor file (.npy, safetensors) that could not be read: which file, and what is wrong with it.
public struct TensorFileError: Error, Equatable, CustomStringConvertible {
    /// What went wrong; the associated text gives the specifics (offsets, sizes, names).
    public enum Problem: Equatable, Sendable {
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
    }

    public let url: URL
    public let problem: Problem

    public init(url: URL, _ problem: Problem) {
        self.url = url
        self.problem = problem
    }

    /// One line: the path, then the problem.
    public var description: String {
        let text: String
        switch problem {
        case .cannotOpen(let detail): text = "cannot open: \(detail)"
        case .truncated(let detail): text = "truncated: \(detail)"
        case .badMagic(let detail): text = "bad magic: \(detail)"
        case .badHeader(let detail): text = "bad header: \(detail)"
        case .unsupportedDType(let detail): text = "unsupported dtype: \(detail)"
        case .unsupportedLayout(let detail): text = "unsupported layout: \(detail)"
        case .sizeMismatch(let detail): text = "size mismatch: \(detail)"
        case .missingTensor(let detail): text = "no tensor named \(detail)"
        }
        return "\(url.path): \(Self.singleLine(text))"
    }

    /// Quotes text taken from a file (a tensor name, a dtype) so that hostile content cannot break
    /// the one-line message: control characters are escaped and long text is cut.
    static func quoted(_ text: String, limit: Int = 80) -> String {
        var body = String(text.unicodeScalars.prefix(limit).map { scalar -> String in
            scalar.properties.generalCategory == .control ? scalar.escaped(asASCII: true) : String(scalar)
        }.joined())
        if text.unicodeScalars.count > limit { body += "…" }
        return "'\(body)'"
    }

    private static func singleLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }
}
