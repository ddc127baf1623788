import Foundation
import Stylizer

/// The stylizer student that ships with ToonKit: distilled by `toon distill` from the built-in toonify
/// pair's teacher pairs (docs/built-in-models.md says how), so `toon stylize` works with no model.
public enum BuiltInStudent {
    /// The file's name in the weights folder.
    static let fileName = "student-shaded64-anime.safetensors"

    /// Where the weights are (as `BuiltInModel.url` looks), or nil.
    public static var url: URL? { BuiltInModel.locate(fileName) }

    /// The student: 64 px anime cartoons of shaded faces, with a degree input (0.5 ... 1).
    public static func load() throws -> StudentModel {
        guard let url else {
            throw StudentUnavailable()
        }
        return try StudentModel.read(from: url)
    }

    /// The built-in student is not beside this toon.
    public struct StudentUnavailable: Error, CustomStringConvertible {
        public init() {}

        public var description: String { "the built-in student is not installed beside this toon; name one with --model" }
    }
}
