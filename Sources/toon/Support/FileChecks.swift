import Foundation
import ToonIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's identity: device and inode. Two names for one file (a hard link, a symlink, `./m.pkl`
/// and `m.pkl`) compare equal, which comparing paths would miss.
struct FileIdentity: Hashable {
    let device: UInt64
    let inode: UInt64

    /// The identity of what `path` names (symlinks followed), or nil when nothing is there.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

/// Checks on paths made with `stat` alone. Nothing is opened, so a FIFO without a writer cannot
/// hang a check, and a device is never read.
enum PathCheck {
    /// An input the command will read must be a regular file (symlinks to one are fine).
    static func requireRegularFile(_ path: String) throws {
        guard !path.isEmpty else { throw UsageProblem("an input path is empty") }
        let kind = try kind(of: path)
        guard kind == .regular else { throw RunFailure("\(path): \(kind.words), not a regular file") }
        try requireAccess(path, R_OK)
    }

    /// An input folder (a dataset of images): must be a folder the user may list and enter.
    static func requireReadableFolder(_ path: String) throws {
        guard !path.isEmpty else { throw UsageProblem("an input folder path is empty") }
        let kind = try kind(of: path)
        guard kind == .directory else { throw RunFailure("\(path): \(kind.words), not a directory") }
        try requireAccess(path, R_OK | X_OK)
    }

    /// What `path` is (following symlinks), or the system's reason it cannot be looked at.
    private static func kind(of path: String) throws -> FileKind {
        var info = stat()
        guard stat(path, &info) == 0 else { throw RunFailure("\(path): \(SystemErrorText.lastError())") }
        return FileKind(mode: info.st_mode)
    }

    /// `access` checks permissions (and a read-only file system) as the kernel will when the
    /// file is opened, without opening it, so a refused run fails here and not after its work.
    private static func requireAccess(_ path: String, _ mode: Int32) throws {
        guard access(path, mode) == 0 else { throw RunFailure("\(path): \(SystemErrorText.lastError())") }
    }

    /// An output file: its folder must exist and be a folder; an existing file there must be a
    /// regular file (never a folder, FIFO or device) and must not be one of `inputs`.
    static func checkOutputFile(_ path: String, inputs: [String: FileIdentity]) throws {
        guard !path.isEmpty else { throw UsageProblem("the output path is empty") }
        // The folder as the user wrote it (relative stays relative), "." for a bare name.
        let written = (path as NSString).deletingLastPathComponent
        let folder = written.isEmpty ? "." : written
        guard try kind(of: folder) == .directory else { throw RunFailure("\(folder): not a directory") }
        // The temporary file is created in this folder, then renamed: both need write and search.
        try requireAccess(folder, W_OK | X_OK)
        try checkExistingOutput(path, inputs: inputs)
    }

    /// An output folder: either it is a folder already, or everything above it that exists is a
    /// folder (so it can be made). Nothing is created here.
    static func checkOutputFolder(_ path: String) throws {
        guard !path.isEmpty else { throw UsageProblem("--outdir is empty; give a folder, e.g. --outdir out") }
        var info = stat()
        if stat(path, &info) == 0 {
            let kind = FileKind(mode: info.st_mode)
            guard kind == .directory else { throw RunFailure("\(path): \(kind.words), not a directory") }
            try requireAccess(path, W_OK | X_OK)
            return
        }
        // ENOENT: some part is missing, which is fine if the existing part above is a folder.
        // ENOTDIR: a part of the path is a file. Anything else (ELOOP, EACCES) is reported as is.
        let reason = errno
        guard reason == ENOENT else { throw RunFailure("\(path): \(SystemErrorText.errno(reason))") }
        var above = URL(fileURLWithPath: path).deletingLastPathComponent()
        while stat(above.path, &info) != 0 {
            let next = above.deletingLastPathComponent()
            if next.path == above.path { break }
            above = next
        }
        guard FileKind(mode: info.st_mode) == .directory else { throw RunFailure("\(path): not a directory") }
        // The missing folders are made inside the nearest one that exists.
        try requireAccess(above.path, W_OK | X_OK)
    }

    /// A file that already exists where an output goes: refused if it is not a regular file or
    /// if it is one of the inputs, by identity.
    static func checkExistingOutput(_ path: String, inputs: [String: FileIdentity]) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        let kind = FileKind(mode: info.st_mode)
        // A symlink is replaced by the rename, not followed; only its target's identity matters.
        guard kind == .regular || kind == .symlink else {
            throw RunFailure("\(path): \(kind.words); the output must be a regular file")
        }
        if let identity = FileIdentity(path: path), let input = inputs.first(where: { $0.value == identity }) {
            throw UsageProblem("the output \(path) is the input \(input.key) (the same file); writing it would replace the input")
        }
    }

    /// Makes the output folder and its parents, after the whole plan was checked.
    static func createFolder(_ path: String) throws -> URL {
        let url = URL(fileURLWithPath: path, isDirectory: true)
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw RunFailure("\(path): cannot create the folder (\(SystemErrorText.reason(error)))")
        }
        return url
    }
}

/// What kind of thing a path names, in the words error messages use.
enum FileKind: Equatable {
    case regular, directory, symlink, fifo, socket, characterDevice, blockDevice, other

    init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symlink
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        default: self = .other
        }
    }

    var words: String {
        switch self {
        case .regular: "a regular file"
        case .directory: "a directory"
        case .symlink: "a symbolic link"
        case .fifo: "a FIFO (named pipe)"
        case .socket: "a socket"
        case .characterDevice: "a character device"
        case .blockDevice: "a block device"
        case .other: "a special file"
        }
    }
}
