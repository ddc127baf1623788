#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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

/// Where owned tensor memory comes from. Small blocks go straight to malloc, which recycles them
/// itself. Large blocks (activations, column buffers) would be mapped fresh and unmapped on every
/// free, so each op paid first-touch page faults on its output; instead freed large blocks wait
/// here, by size class, for the next request of the same class, up to a bounded total.
enum StoragePool {
    /// Blocks from this size up are pooled (rounded up to a size class).
    static let minimumPooledBytes = 1 << 20
    /// Blocks from this size up are 2 MiB aligned and offered transparent huge pages.
    static let hugePageBytes = 4 << 20

    private static let lock = NSLock()
    nonisolated(unsafe) private static var idle: [Int: [UnsafeMutableRawPointer]] = [:]
    /// Idle blocks oldest first, for eviction.
    nonisolated(unsafe) private static var order: [(pointer: UnsafeMutableRawPointer, bytes: Int)] = []
    nonisolated(unsafe) private static var idleBytes = 0

    /// Size classes: eight per power of two, so rounding up wastes at most 1/8.
    static func sizeClass(_ bytes: Int) -> Int {
        guard bytes >= minimumPooledBytes else { return bytes }
        let unit = 1 << (Int.bitWidth - 1 - bytes.leadingZeroBitCount - 3)
        return (bytes + unit - 1) / unit * unit
    }

    /// A block of at least `bytes`, and the byte count to hand back to `release`.
    static func allocate(bytes: Int) -> (UnsafeMutableRawPointer, Int) {
        let size = sizeClass(bytes)
        if size >= minimumPooledBytes {
            lock.lock()
            // Best fit among idle blocks of this class up to 1.5x its size: layer sizes repeat
            // only roughly, and a slightly larger block is far cheaper than fresh pages.
            let fit = idle.lazy.filter { $0.key >= size && $0.key <= size + size / 2 && !$0.value.isEmpty }
                .min { $0.key < $1.key }?.key
            if let fit, var blocks = idle[fit], let block = blocks.popLast() {
                idle[fit] = blocks
                idleBytes -= fit
                if let index = order.lastIndex(where: { $0.pointer == block }) { order.remove(at: index) }
                lock.unlock()
                return (block, fit)
            }
            lock.unlock()
        }
        guard size >= minimumPooledBytes else {
            // 64-byte alignment keeps AVX-512 loads and BLAS packing on whole cache lines.
            var raw: UnsafeMutableRawPointer?
            guard posix_memalign(&raw, 64, size) == 0, let raw else {
                fatalError("ToonCore: out of memory allocating \(size) bytes")
            }
            return (raw, size)
        }
        return (map(size), size)
    }

    /// A fresh mapping for a large block (size classes are whole pages). Large blocks bypass malloc:
    /// glibc's sliding mmap threshold would put blocks of up to 32 MiB on its heap after the first
    /// such free, where freed ones stay resident and fragment, and training's peak memory then
    /// varied by hundreds of MB from run to run. Unmapped blocks go straight back to the system.
    private static func map(_ size: Int) -> UnsafeMutableRawPointer {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        // From 4 MiB up, 2 MiB aligned: fewer, larger first-touch faults and TLB entries with
        // transparent huge pages (a no-op where THP is off).
        let alignment = size >= hugePageBytes ? 2 << 20 : page
        let span = size + alignment - page
        guard let base = mmap(nil, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              base != UnsafeMutableRawPointer(bitPattern: -1) else {
            fatalError("ToonCore: out of memory allocating \(size) bytes")
        }
        let start = (Int(bitPattern: base) + alignment - 1) / alignment * alignment
        let head = start - Int(bitPattern: base), tail = span - head - size
        if head > 0 { munmap(base, head) }
        if tail > 0 { munmap(UnsafeMutableRawPointer(bitPattern: start + size), tail) }
        let block = UnsafeMutableRawPointer(bitPattern: start)!
        #if os(Linux)
        if size >= hugePageBytes { _ = madvise(block, size, 14 /* MADV_HUGEPAGE */) }
        #endif
        return block
    }

    /// Gives a block from `allocate` back to the system.
    private static func discard(_ block: UnsafeMutableRawPointer, bytes: Int) {
        if bytes >= minimumPooledBytes { munmap(block, bytes) } else { free(block) }
    }

    /// Returns a block from `allocate`.
    /// Most bytes kept idle are the current configuration's `reusableMemoryBytes`: beyond them the
    /// oldest idle blocks are freed.
    static func release(_ block: UnsafeMutableRawPointer, bytes: Int) {
        let capacityBytes = ComputeConfiguration.current.reusableMemoryBytes
        guard bytes >= minimumPooledBytes, bytes <= capacityBytes else { discard(block, bytes: bytes); return }
        var evicted: [(pointer: UnsafeMutableRawPointer, bytes: Int)] = []
        lock.lock()
        while idleBytes + bytes > capacityBytes, !order.isEmpty {
            let oldest = order.removeFirst()
            if var blocks = idle[oldest.bytes], let index = blocks.firstIndex(of: oldest.pointer) {
                blocks.remove(at: index)
                idle[oldest.bytes] = blocks
            }
            idleBytes -= oldest.bytes
            evicted.append(oldest)
        }
        idle[bytes, default: []].append(block)
        order.append((block, bytes))
        idleBytes += bytes
        lock.unlock()
        for block in evicted { discard(block.pointer, bytes: block.bytes) }
    }

    /// Frees every idle block; the bytes freed.
    static func releaseIdle() -> Int {
        lock.lock()
        let blocks = order, bytes = idleBytes
        idle = [:]
        order = []
        idleBytes = 0
        lock.unlock()
        for block in blocks { discard(block.pointer, bytes: block.bytes) }
        return bytes
    }
}
