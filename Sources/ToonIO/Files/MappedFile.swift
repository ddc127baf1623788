import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory. Pages come from disk only when touched, so opening a
/// multi-gigabyte checkpoint costs nothing until its tensors are used.
///
/// Tensors may borrow this memory (see `TensorStorage(borrowing:count:owner:)`) and keep the mapping
/// alive. The mapping is private, but if another process truncates the file meanwhile, touching the
/// lost pages faults; replace files by renaming (as `AtomicFile` does), never by rewriting in place.
public final class MappedFile: @unchecked Sendable {
    public let url: URL
    /// The file's bytes; empty (with a nil base address) for an empty file.
    public let bytes: UnsafeRawBufferPointer

    /// Maps `url` with `PROT_READ` and `MAP_PRIVATE`.
    public init(url: URL) throws(ToonIOError) {
        self.url = url
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ToonIOError(url: url, .tensorFile(.cannotOpen(Self.systemError()))) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw ToonIOError(url: url, .tensorFile(.cannotOpen(Self.systemError()))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ToonIOError(url: url, .tensorFile(.cannotOpen("not a regular file")))
        }
        let size = Int(info.st_size)
        guard size > 0 else {
            // mmap refuses a zero length; an empty file is simply no bytes.
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let address, address != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw ToonIOError(url: url, .tensorFile(.cannotOpen("mmap failed: \(Self.systemError())")))
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }

    private static func systemError() -> String {
        SystemErrorText.lastError()
    }
}
