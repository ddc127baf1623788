import Foundation

/// Why a cascade, shape predictor or detector network file could not be read or found: one line that names the file first.
public struct FacesError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Problem: Equatable, Sendable {
        /// The file could not be opened or read; the operating system's reason.
        case unreadable(String)
        /// The bytes are not well-formed XML (as far as a cascade needs it); the line and the reason.
        case malformedXML(line: Int, String)
        /// Well-formed XML that is not an OpenCV cascade; what is missing or wrong.
        case notACascade(String)
        /// A cascade this reader does not evaluate (HOG features, a stage type other than BOOST).
        case unsupported(String)
        /// An element's text is not the number (or the count of numbers) the format asks for.
        case badNumber(element: String, line: Int, String)
        /// Numbers that parse but cannot be evaluated safely: an index, count or rectangle out of range.
        case invalid(String)
        /// A default cascade or model is absent: the Debian package that installs it.
        case missingPackage(String)
        /// A dlib shape predictor file that is truncated, malformed or inconsistent: the byte offset
        /// where reading stopped and what is wrong there.
        case badShapePredictor(offset: Int, String)
        /// A file that is not a dlib MMOD detector network ToonKit can run: the byte offset where
        /// reading stopped and what is wrong there.
        case badDetectorNetwork(offset: Int, String)
        /// A model file that is absent and how to get it.
        case missingModel(String)
    }

    /// The cascade file at fault.
    public let file: String
    public let problem: Problem

    public init(file: String, _ problem: Problem) {
        self.file = file
        self.problem = problem
    }

    public var description: String {
        switch problem {
        case .unreadable(let reason): "\(file): cannot read: \(reason)"
        case .malformedXML(let line, let reason): "\(file):\(line): not well-formed XML: \(reason)"
        case .notACascade(let reason): "\(file): not an OpenCV cascade: \(reason)"
        case .unsupported(let reason): "\(file): unsupported cascade: \(reason)"
        case let .badNumber(element, line, reason): "\(file):\(line): <\(element)>: \(reason)"
        case .invalid(let reason): "\(file): invalid cascade: \(reason)"
        case .missingPackage(let package):
            "\(file): not found; install Debian's \(package) package (apt-get install \(package))"
        case let .badShapePredictor(offset, reason): "\(file): byte \(offset): not a usable dlib shape predictor: \(reason)"
        case let .badDetectorNetwork(offset, reason): "\(file): byte \(offset): not a usable dlib MMOD detector: \(reason)"
        case .missingModel(let how): "\(file): not found; \(how)"
        }
    }

    /// Text from the file, quoted so hostile content cannot break the one-line message.
    static func quoted(_ text: Substring, limit: Int = 40) -> String {
        var body = String(text.unicodeScalars.prefix(limit).map { scalar -> String in
            scalar.properties.generalCategory == .control ? scalar.escaped(asASCII: true) : String(scalar)
        }.joined())
        if text.unicodeScalars.count > limit { body += "…" }
        return "'\(body)'"
    }
}
