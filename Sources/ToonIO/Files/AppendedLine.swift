#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Lines added to the end of a log (log.jsonl), each whole: O_APPEND puts every write at the end,
/// and the file is created by open itself (FileManager.createFile would leave a temporary file of
/// its own behind on a signal; docs/cli-rules.md).
package enum AppendedLine {
    /// Appends `line` (its newline included) to `url`, creating the file if needed; nil when done,
    /// else the system's reason.
    package static func append(_ line: String, to url: URL) -> String? {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return SystemErrorText.lastError() }
        defer { close(descriptor) }
        let bytes = Array(line.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return SystemErrorText.lastError() }
            written += count
        }
        return nil
    }
}
