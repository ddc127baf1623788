import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Read-only bytes that stay valid while this object lives: a memory-mapped file or a heap copy.
/// Tensors may point into them (zero-copy) by naming this object as their storage owner.
public final class FileBytes: @unchecked Sendable {
    /// Path or description used in error messages.
    public let name: String
    /// Start of the bytes; never written through.
    public let base: UnsafeRawPointer
    public let count: Int
    private let release: Release

    private enum Release { case unmap(Int), free, none }

    /// Maps `url` read-only. Pages are read on demand, so opening a large checkpoint is cheap.
    public static func map(_ url: URL) throws(ToonIOError) -> FileBytes {
        let path = url.path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ToonIOError(file: path, .checkpoint(.cannotRead(SystemErrorText.lastError()))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ToonIOError(file: path, .checkpoint(.cannotRead(SystemErrorText.lastError()))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw ToonIOError(file: path, .checkpoint(.cannotRead("not a regular file"))) }
        let size = Int(info.st_size)
        if size == 0 { return FileBytes(name: path, copying: []) }
        guard let raw = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0),
              raw != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw ToonIOError(file: path, .checkpoint(.cannotRead("mmap failed: \(SystemErrorText.lastError())")))
        }
        return FileBytes(name: path, base: UnsafeRawPointer(raw), count: size, release: .unmap(size))
    }

    /// A heap copy of `bytes` (64-byte aligned, like tensor storage).
    public convenience init(name: String, copying bytes: [UInt8]) {
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, 64, max(bytes.count, 1)) == 0, let raw else {
            fatalError("ToonIO: out of memory allocating \(bytes.count) bytes")
        }
        bytes.withUnsafeBytes { if let b = $0.baseAddress { raw.copyMemory(from: b, byteCount: $0.count) } }
        self.init(name: name, base: UnsafeRawPointer(raw), count: bytes.count, release: .free)
    }

    private init(name: String, base: UnsafeRawPointer, count: Int, release: Release) {
        self.name = name
        self.base = base
        self.count = count
        self.release = release
    }

    deinit {
        switch release {
        case .unmap(let size): munmap(UnsafeMutableRawPointer(mutating: base), size)
        case .free: free(UnsafeMutableRawPointer(mutating: base))
        case .none: break
        }
    }

    /// All of the bytes.
    public var all: ByteSlice { ByteSlice(owner: self, range: 0..<count) }
}

/// A range of bytes inside a `FileBytes`; copying a slice never copies the bytes.
public struct ByteSlice: Sendable {
    public let owner: FileBytes
    /// Offsets into `owner`.
    public let range: Range<Int>

    public init(owner: FileBytes, range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= owner.count, "slice \(range) outside \(owner.count) bytes")
        self.owner = owner
        self.range = range
    }

    public var count: Int { range.count }
    public var isEmpty: Bool { range.isEmpty }

    /// Address of the byte at `offset` (relative to the slice).
    public func address(at offset: Int) -> UnsafeRawPointer { owner.base + range.lowerBound + offset }

    /// The byte at `offset`; the caller has checked the bounds.
    @inline(__always) public subscript(offset: Int) -> UInt8 {
        owner.base.load(fromByteOffset: range.lowerBound + offset, as: UInt8.self)
    }

    /// The sub-range `offset..<offset+length`, or nil when it does not lie inside this slice.
    public func slice(at offset: Int, length: Int) -> ByteSlice? {
        guard offset >= 0, length >= 0, offset <= count, length <= count - offset else { return nil }
        return ByteSlice(owner: owner, range: (range.lowerBound + offset)..<(range.lowerBound + offset + length))
    }

    /// The first `length` bytes (at most all of them).
    public func prefix(_ length: Int) -> ByteSlice { slice(at: 0, length: min(max(length, 0), count))! }

    /// Little-endian unsigned integer of `size` bytes at `offset`, or nil when out of range.
    public func unsigned(at offset: Int, size: Int) -> UInt64? {
        guard offset >= 0, size <= 8, offset <= count - size else { return nil }
        var value: UInt64 = 0
        for i in stride(from: size - 1, through: 0, by: -1) { value = value << 8 | UInt64(self[offset + i]) }
        return value
    }

    /// The bytes as an array (a copy).
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: address(at: 0), count: count))
    }
}
