#if Studio
import Foundation

/// Loaded models kept side by side within a byte budget; past it the least recently used go first.
/// Loading happens outside the lock, so a slow load does not hold up requests for loaded models.
public final class ModelCache: @unchecked Sendable {
    private struct Entry {
        let value: any Sendable
        let bytes: Int
        var lastUse: UInt64
    }

    /// Bytes the loaded models may take together.
    public let budget: Int
    private var entries: [String: Entry] = [:]
    private var clock: UInt64 = 0
    private let lock = NSLock()

    /// A cache that keeps at most `budget` bytes of models.
    public init(budget: Int) { self.budget = budget }

    /// The model under `key`, loaded by `load` (which also tells its size in bytes) when not held.
    /// A model larger than the whole budget is still returned, but not kept.
    public func value<T: Sendable>(_ key: String, as type: T.Type = T.self, load: () throws -> (T, bytes: Int)) throws -> T {
        if let held = touch(key), let value = held as? T { return value }
        let (value, bytes) = try load()
        insert(key, value: value, bytes: bytes)
        return value
    }

    /// The keys held, least recently used first.
    public var keys: [String] {
        lock.withLock { entries.sorted { $0.value.lastUse < $1.value.lastUse }.map(\.key) }
    }

    /// Bytes held now.
    public var heldBytes: Int { lock.withLock { entries.values.reduce(0) { $0 + $1.bytes } } }

    private func touch(_ key: String) -> (any Sendable)? {
        lock.withLock {
            guard var entry = entries[key] else { return nil }
            clock += 1
            entry.lastUse = clock
            entries[key] = entry
            return entry.value
        }
    }

    private func insert(_ key: String, value: any Sendable, bytes: Int) {
        lock.withLock {
            guard bytes <= budget else { return }
            clock += 1
            entries[key] = Entry(value: value, bytes: bytes, lastUse: clock)
            var held = entries.values.reduce(0) { $0 + $1.bytes }
            while held > budget, let oldest = entries.filter({ $0.key != key }).min(by: { $0.value.lastUse < $1.value.lastUse }) {
                entries[oldest.key] = nil
                held -= oldest.value.bytes
            }
        }
    }
}
#endif
