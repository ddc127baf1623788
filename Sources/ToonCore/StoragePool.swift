#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Where owned tensor memory comes from. Small blocks go straight to malloc, which recycles them
/// itself. Large blocks (activations, column buffers) would be mapped fresh and unmapped on every
/// free, so each op paid first-touch page faults on its output; instead freed large blocks wait
/// here, by size class, for the next request of the same class, up to a bounded total (which
/// blocks stay is `IdleBlocks`' rule).
package enum StoragePool {
    /// Blocks from this size up are pooled (rounded up to a size class).
    static let minimumPooledBytes = 1 << 20
    /// Blocks from this size up are 2 MiB aligned and offered transparent huge pages.
    static let hugePageBytes = 4 << 20

    private static let lock = NSLock()
    nonisolated(unsafe) private static var idle = IdleBlocks()
    nonisolated(unsafe) private static var mappedSoFar = 0

    /// Bytes of fresh pages mapped for large blocks since the process started (each costs the
    /// kernel's zeroing on first touch): what the pool exists to keep low.
    package static var mappedBytes: Int {
        lock.lock()
        defer { lock.unlock() }
        return mappedSoFar
    }

    /// Size classes: eight per power of two, so rounding up wastes at most 1/8.
    static func sizeClass(_ bytes: Int) -> Int {
        guard bytes >= minimumPooledBytes else { return bytes }
        let unit = 1 << (Int.bitWidth - 1 - bytes.leadingZeroBitCount - 3)
        return (bytes + unit - 1) / unit * unit
    }

    /// A block of at least `bytes`, and the byte count to hand back to `release`.
    static func allocate(bytes: Int) -> (UnsafeMutableRawPointer, Int) {
        let size = sizeClass(bytes)
        guard size >= minimumPooledBytes else {
            // 64-byte alignment keeps AVX-512 loads and BLAS packing on whole cache lines.
            var raw: UnsafeMutableRawPointer?
            guard posix_memalign(&raw, 64, size) == 0, let raw else {
                fatalError("ToonCore: out of memory allocating \(size) bytes")
            }
            return (raw, size)
        }
        lock.lock()
        let reused = idle.take(size)
        lock.unlock()
        if let reused { return (UnsafeMutableRawPointer(bitPattern: reused.address)!, reused.bytes) }
        let block = map(size)
        let budget = ComputeConfiguration.current.reusableMemoryBytes
        lock.lock()
        mappedSoFar += size
        idle.lend(address: Int(bitPattern: block), bytes: size, budget: budget)
        lock.unlock()
        return (block, size)
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

    /// Returns a block from `allocate`; it waits idle for reuse within the current configuration's
    /// `reusableMemoryBytes`, or goes back to the system.
    static func release(_ block: UnsafeMutableRawPointer, bytes: Int) {
        guard bytes >= minimumPooledBytes else { discard(block, bytes: bytes); return }
        let budget = ComputeConfiguration.current.reusableMemoryBytes
        lock.lock()
        let unmapped = idle.give(address: Int(bitPattern: block), bytes: bytes, budget: budget)
        lock.unlock()
        for block in unmapped { discard(UnsafeMutableRawPointer(bitPattern: block.address)!, bytes: block.bytes) }
    }

    /// Frees every idle block; the bytes freed.
    static func releaseIdle() -> Int {
        lock.lock()
        let blocks = idle.removeAll()
        lock.unlock()
        for block in blocks { discard(UnsafeMutableRawPointer(bitPattern: block.address)!, bytes: block.bytes) }
        return blocks.reduce(0) { $0 + $1.bytes }
    }
}
