import Foundation
import ToonIO

/// The files a dataset is prepared from: every regular file under a folder (recursively) or every
/// entry of a zip, by relative name in byte order. Only read, never changed.
struct PrepareSource {
    private enum Storage {
        /// The archive and, for each name, its first entry.
        case zip(ZipArchive, [String: ZipArchive.Entry])
        case folder(String)
    }

    private let storage: Storage
    /// Relative names ("cats/a.png"), sorted; unsafe and repeated zip names are among them and
    /// dropped by the caller.
    let names: [String]
    /// Positions in `names` of the second and later zip entries with a name already seen.
    let repeated: Set<Int>
    /// Files (and zip entries, once inflated) larger than this are not read.
    static let maximumFileBytes = 1 << 30

    /// Opens a folder or a zip; a missing source or a damaged zip directory is an error naming it.
    init(_ url: URL) throws(ToonIOError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw ToonIOError(url: url, .dataset(.badRequest("no such file or folder")))
        }
        if isFolder.boolValue {
            let base = url.standardizedFileURL.path
            storage = .folder(base)
            names = PrepareNames.sorted(FolderFiles.relativePaths(under: base))
            repeated = []
        } else {
            let bytes = try FileBytes.map(url)
            guard ZipArchive.looksLikeZip(bytes.all) else {
                throw ToonIOError(url: url, .dataset(.badRequest("the source must be a folder or a zip of images")))
            }
            let archive = try ZipArchive(bytes.all, source: url.path)
            var first: [String: ZipArchive.Entry] = [:]
            for entry in archive.entries where first[entry.name] == nil { first[entry.name] = entry }
            storage = .zip(archive, first)
            let sorted = PrepareNames.sorted(archive.entries.map(\.name).filter { !$0.hasSuffix("/") })
            names = sorted
            repeated = Set(sorted.indices.filter { $0 > 0 && sorted[$0] == sorted[$0 - 1] })
        }
    }

    /// The bytes of `name`, or why they cannot be had; from a folder, only the first `prefix` bytes
    /// when given (enough for the header), with `complete` saying whether that was the whole file.
    func bytes(of name: String, prefix: Int? = nil) -> Result<(bytes: [UInt8], complete: Bool), PrepareDropReason> {
        switch storage {
        case .zip(let archive, let first):
            guard let entry = first[name] else { return .failure(.unreadable("no such entry")) }
            do { return .success((try archive.contents(of: entry, limit: Self.maximumFileBytes), true)) } catch {
                return .failure(.unreadable(error.message))
            }
        case .folder(let base):
            return Self.read(base + "/" + name, prefix: prefix)
        }
    }

    /// Reads a regular file of at most `maximumFileBytes` (or its first `prefix` bytes), through its own descriptor.
    private static func read(_ path: String, prefix: Int?) -> Result<(bytes: [UInt8], complete: Bool), PrepareDropReason> {
        // Non-blocking, so that a named pipe planted in the source cannot stall the run before fstat sees it.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK)
        guard descriptor >= 0 else { return .failure(.unreadable(SystemErrorText.lastError())) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .failure(.unreadable(SystemErrorText.lastError())) }
        guard (status.st_mode & S_IFMT) == S_IFREG else { return .failure(.unreadable("not a regular file")) }
        guard status.st_size <= maximumFileBytes else {
            return .failure(.unreadable("file of \(status.st_size) bytes is over the \(maximumFileBytes >> 20) MiB limit"))
        }
        let size = Int(status.st_size)
        var bytes = [UInt8](repeating: 0, count: min(size, prefix ?? size))
        var filled = 0
        while filled < bytes.count {
            let got = bytes.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if got < 0 && errno == EINTR { continue }
            if got < 0 { return .failure(.unreadable(SystemErrorText.lastError())) }
            if got == 0 { break }
            filled += got
        }
        bytes.removeSubrange(filled...)
        return .success((bytes, filled == size))
    }
}
