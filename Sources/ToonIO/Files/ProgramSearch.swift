import Foundation

/// Finding a program the way a shell does: the first executable of that name along PATH.
package enum ProgramSearch {
    /// The first executable `name` in the colon-separated `searchPath` (the process's PATH when nil).
    package static func locate(_ name: String, searchPath: String? = nil) -> URL? {
        let path = searchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}
