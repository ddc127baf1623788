/// What `DatasetPreparer` did: files seen, images kept and every file (or face) dropped with its reason.
public struct PrepareSummary: Sendable {
    /// Files in the source.
    public let total: Int
    /// Images written.
    public let kept: Int
    /// Files that gave at least one image.
    public let keptFiles: Int
    /// Whether the images are faces cropped from the files (`--crop faces`).
    public let faces: Bool
    /// Files and faces left out, in source order.
    public let dropped: [PrepareDrop]

    public init(total: Int, kept: Int, keptFiles: Int? = nil, faces: Bool = false, dropped: [PrepareDrop]) {
        self.total = total
        self.kept = kept
        self.keptFiles = keptFiles ?? kept
        self.faces = faces
        self.dropped = dropped
    }

    /// Drops counted by reason key, most frequent first (then by key).
    public var droppedByReason: [(reason: String, count: Int)] {
        var counts: [String: Int] = [:]
        for drop in dropped { counts[drop.reason.key, default: 0] += 1 }
        return counts.map { ($0.key, $0.value) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    }

    /// One line: "kept 8 of 12 files; dropped 4: 2 corrupt, 1 duplicate, 1 grayscale", or with
    /// faces "kept 9 faces from 6 of 8 files; dropped 3: 2 face too small, 1 no face".
    public var description: String {
        var text = faces ? "kept \(kept) \(kept == 1 ? "face" : "faces") from \(keptFiles) of \(total) files"
            : "kept \(kept) of \(total) files"
        if !dropped.isEmpty {
            text += "; dropped \(dropped.count): " + droppedByReason.map { "\($0.count) \($0.reason)" }.joined(separator: ", ")
        }
        return text
    }
}
