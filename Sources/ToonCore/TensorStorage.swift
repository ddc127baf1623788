import Foundation

/// The memory behind one or more tensors: owned (64-byte aligned, freed on deinit) or borrowed from a
/// longer-lived owner such as a memory-mapped file, in which case it is read-only.
///
/// Package access only: users reach elements through `Tensor`'s scoped `withUnsafe...BufferPointer`
/// calls, which respect copy-on-write and read-only storage; ToonIO borrows mapped files here.
@usableFromInline package final class TensorStorage: @unchecked Sendable {
    @usableFromInline package let pointer: UnsafeMutablePointer<Float>
    package let count: Int
    /// Borrowed storage is never written: a mutation copies it first.
    @usableFromInline package let isWritable: Bool
    private let keepAlive: AnyObject?
    /// Bytes of the owned block (its pool size class), 0 when borrowed.
    private let blockBytes: Int

    /// Fresh, uninitialised, writable storage for `count` floats.
    @usableFromInline package init(uninitializedCount count: Int) {
        self.count = count
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let (raw, blockBytes) = StoragePool.allocate(bytes: bytes)
        self.pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        self.blockBytes = blockBytes
        self.isWritable = true
        self.keepAlive = nil
    }

    /// Storage that points into memory owned by `owner` (for example a mapped file); read-only.
    package init(borrowing pointer: UnsafePointer<Float>, count: Int, owner: AnyObject) {
        self.pointer = UnsafeMutablePointer(mutating: pointer)
        self.count = count
        self.isWritable = false
        self.keepAlive = owner
        self.blockBytes = 0
    }

    deinit {
        if keepAlive == nil { StoragePool.release(UnsafeMutableRawPointer(pointer), bytes: blockBytes) }
    }

    /// Values computed from these elements (a convolution's transformed weights, say), so inference
    /// derives them once per weight instead of once per call. Keyed by what was derived from which
    /// view; in-place writes drop them all (`Tensor.makeUniquelyWritable`). Guarded by `derivedLock`.
    private var derivedValues: [DerivedKey: Tensor] = [:]
    private static let derivedLock = NSLock()

    struct DerivedKey: Hashable {
        let name: String
        let offset: Int
        let shape: [Int]
        let strides: [Int]
    }

    /// The value stored under `key`, computing and storing it on first use. `compute` runs outside
    /// the lock (it may start parallel loops); two threads racing may both compute it, and one wins.
    func derived(_ key: DerivedKey, _ compute: () -> Tensor) -> Tensor {
        Self.derivedLock.lock()
        let cached = derivedValues[key]
        Self.derivedLock.unlock()
        if let cached { return cached }
        let value = compute()
        Self.derivedLock.lock()
        defer { Self.derivedLock.unlock() }
        if let winner = derivedValues[key] { return winner }
        derivedValues[key] = value
        return value
    }

    /// The shapes of the values derived so far (what a weight keeps beside its own elements).
    var derivedShapes: [[Int]] {
        Self.derivedLock.lock()
        defer { Self.derivedLock.unlock() }
        return derivedValues.values.map(\.shape)
    }

    /// Forgets every derived value; called before the elements change in place, when this storage
    /// is uniquely referenced (so no other thread can be reading it, and the empty check is safe).
    func dropDerived() {
        guard !derivedValues.isEmpty else { return }
        Self.derivedLock.lock()
        derivedValues.removeAll()
        Self.derivedLock.unlock()
    }
}
