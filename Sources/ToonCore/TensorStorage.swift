#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The memory behind one or more tensors: owned (64-byte aligned, freed on deinit) or borrowed from a
/// longer-lived owner such as a memory-mapped file, in which case it is read-only.
public final class TensorStorage: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int
    /// Borrowed storage is never written: a mutation copies it first.
    public let isWritable: Bool
    private let keepAlive: AnyObject?

    /// Fresh, uninitialised, writable storage for `count` floats.
    public init(uninitializedCount count: Int) {
        self.count = count
        // 64-byte alignment keeps AVX-512 loads and BLAS packing on whole cache lines.
        var raw: UnsafeMutableRawPointer?
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        guard posix_memalign(&raw, 64, bytes) == 0, let raw else {
            fatalError("ToonCore: out of memory allocating \(bytes) bytes")
        }
        self.pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        self.isWritable = true
        self.keepAlive = nil
    }

    /// Storage that points into memory owned by `owner` (for example a mapped file); read-only.
    public init(borrowing pointer: UnsafePointer<Float>, count: Int, owner: AnyObject) {
        self.pointer = UnsafeMutablePointer(mutating: pointer)
        self.count = count
        self.isWritable = false
        self.keepAlive = owner
    }

    deinit {
        if keepAlive == nil { free(pointer) }
    }
}
