import Foundation

/// Names of output files made from input files' stems (`photo.jpg` -> `photo.png`).
enum OutputNames {
    /// Each input's stem (its file name without the extension), refusing (a usage problem naming both) two inputs whose first output,
    /// `name(stem)`, would be the same file.
    static func uniqueStems(_ inputs: [String], firstOutput name: (String) -> String) throws -> [String] {
        let stems = inputs.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
        var seen: [String: String] = [:]
        for (stem, input) in zip(stems, inputs) {
            if let other = seen[stem] { throw UsageProblem("\(other) and \(input) would both write \(name(stem)); rename one") }
            seen[stem] = input
        }
        return stems
    }
}
