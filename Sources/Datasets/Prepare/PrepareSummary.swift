/// What `DatasetPreparer` did: files seen, images kept and every file dropped with its reason.
public struct PrepareSummary: Sendable {
    /// Files in the source.
    public let total: Int
    /// Images written.
    public let kept: Int
    /// Files left out, in source order.
    public let dropped: [PrepareDrop]

    /// Drops counted by reason key, most frequent first (then by key).
    public var droppedByReason: [(reason: String, count: Int)] {
        var counts: [String: Int] = [:]
        for drop in dropped { counts[drop.reason.key, default: 0] += 1 }
        return counts.map { ($0.key, $0.value) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    }

    /// One line: "kept 8 of 12 files; dropped 4: 2 corrupt, 1 duplicate, 1 grayscale".
    public var description: String {
        var text = "kept \(kept) of \(total) files"
        if !dropped.isEmpty {
            text += "; dropped \(dropped.count): " + droppedByReason.map { "\($0.count) \($0.reason)" }.joined(separator: ", ")
        }
        return text
    }
}
