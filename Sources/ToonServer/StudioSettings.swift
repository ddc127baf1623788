#if Studio
import Foundation
import ToonCore

/// How `toon serve` runs: where it listens, what it serves and the limits it keeps.
public struct StudioSettings: Sendable {
    /// Address to bind; loopback unless asked otherwise.
    public var host = "127.0.0.1"
    /// TCP port (0 picks a free one).
    public var port = 8080
    /// A folder of extra models (generators, toonify pairs, students), read at start.
    public var modelsDirectory: URL?
    /// Where uploads, results and the job database live.
    public var dataDirectory: URL
    /// Jobs run at once.
    public var workers = 1
    /// Bytes of models kept loaded at once; the least recently used is dropped past it.
    public var memoryBudget = 2_000_000_000
    /// Largest upload accepted, in bytes.
    public var maxUploadBytes = 50_000_000
    /// Longest video accepted, in seconds.
    public var maxVideoSeconds = 60.0
    /// Largest photo side kept (larger photos are scaled down first, as `toon stylize --max-side`).
    public var maxPhotoSide = 2048
    /// Jobs waiting in the queue past which new ones are refused (503).
    public var maxQueuedJobs = 64
    /// Requests that change something (uploads, jobs) one client may make per minute.
    public var writesPerMinute = 120
    /// Seeds one generate job may ask for.
    public var maxSeeds = 64
    /// Frames one interpolation may ask for.
    public var maxFrames = 600
    /// The instructions, threads and GEMM path jobs and previews run with: by default those of the
    /// code that made the settings (`toon serve`'s, from TOONKIT_*), which the job threads would not
    /// otherwise see.
    public var compute = ComputeConfiguration.current
    /// The environment face models are looked up with (`$TOONKIT_MODELS`, the user's cache; see
    /// `FaceDetector.standard`): by default the process's.
    public var environment = ProcessInfo.processInfo.environment

    /// Settings with the data in `dataDirectory` and every other value at its default.
    public init(dataDirectory: URL) {
        self.dataDirectory = dataDirectory
    }
}

/// Sizes such as `512M`, `2G` or `1500000` (bytes), for --memory-budget.
public enum ByteSize {
    /// The number of bytes `text` names, or nil when it names none.
    public static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [(String, Double)] = [("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12), ("K", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("B", 1)]
        var number = trimmed, scale = 1.0
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            number = String(trimmed.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
            scale = factor
            break
        }
        guard let value = Double(number), value.isFinite, value > 0, value * scale < 1e18 else { return nil }
        return Int(value * scale)
    }
}
#endif
