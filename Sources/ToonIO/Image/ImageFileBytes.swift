import Foundation

/// Whole-file reads with the operating system's reason on failure (Foundation's messages on Linux
/// do not say whether a file is missing, unreadable or a folder).
enum ImageFileBytes {
    static func read(_ url: URL) throws(ToonIOError) -> [UInt8] {
        let path = url.path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ToonIOError(file: path, .image(.unreadable(reason(errno)))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw ToonIOError(file: path, .image(.unreadable(reason(errno)))) }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            let kind = (status.st_mode & S_IFMT) == S_IFDIR ? "is a folder" : "is not a regular file"
            throw ToonIOError(file: path, .image(.unreadable(kind)))
        }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var filled = 0
        while filled < bytes.count {
            let got = bytes.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if got < 0 && errno == EINTR { continue }
            if got < 0 { throw ToonIOError(file: path, .image(.unreadable(reason(errno)))) }
            if got == 0 { break }   // the file shrank since fstat: take what is there
            filled += got
        }
        bytes.removeSubrange(filled...)
        // The file may also have grown since fstat; read on until the real end.
        var more = [UInt8](repeating: 0, count: 65_536)
        while filled == bytes.count {
            let got = more.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress!, $0.count) }
            if got < 0 && errno == EINTR { continue }
            if got < 0 { throw ToonIOError(file: path, .image(.unreadable(reason(errno)))) }
            if got == 0 { break }
            bytes += more[0..<got]
            filled += got
        }
        return bytes
    }

    private static func reason(_ code: Int32) -> String { SystemErrorText.errno(code) }
}
