import Foundation

/// A one-line progress display on stderr: count, rate and time left, redrawn in place. Silent when
/// stderr is not a terminal, so pipes and logs stay clean.
final class ProgressLine {
    private let label: String
    private let total: Int
    private let unit: String
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let enabled: Bool

    init(_ label: String, total: Int, unit: String = "images") {
        self.label = label
        self.total = total
        self.unit = unit
        enabled = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    func update(_ done: Int) {
        guard enabled, done == total || Date().timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = Date()
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? Double(total - done) / rate : 0
        // Interpolation, not %@: Foundation on Linux prints a Swift String passed to %@ as "(null)".
        let rateText = rate >= 1 ? String(format: "%.1f", rate) + " \(unit)/s"
            : String(format: "%.1f", rate > 0 ? 1 / rate : 0) + " s/\(unit.dropLast())"
        let line = "\(label) \(done)/\(total)  \(rateText)  ETA \(Self.clock(left))"
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }

    /// Erases the line, so other output can be printed; the next update draws it again.
    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        lastDraw = .distantPast
    }

    /// Ends the line and prints a summary (terminal only).
    func finish(_ summary: String) {
        guard enabled else { return }
        let elapsed = Date().timeIntervalSince(start)
        FileHandle.standardError.write(Data("\r\u{1B}[K\(summary) in \(Self.clock(elapsed))\n".utf8))
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
