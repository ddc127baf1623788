import Foundation

/// Whole-file reads with the operating system's reason on failure (Foundation's messages on Linux
/// do not say whether a file is missing, unreadable or a folder).
enum ImageFileBytes {
    static func read(_ url: URL) throws(ImageError) -> [UInt8] {
        let path = url.path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ImageError(path: path, problem: .unreadable(reason(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw ImageError(path: path, problem: .unreadable(reason(errno))) }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            let kind = (status.st_mode & S_IFMT) == S_IFDIR ? "is a folder" : "is not a regular file"
            throw ImageError(path: path, problem: .unreadable(kind))
        }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var filled = 0
        // The size from fstat is a hint: a file that shrinks or grows meanwhile is read as it is now.
        while true {
            if filled == bytes.count { bytes.append(contentsOf: [UInt8](repeating: 0, count: max(4096, filled))) }
            let got = bytes.withUnsafeMutableBytes { raw in
                Foundation.read(descriptor, raw.baseAddress! + filled, raw.count - filled)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw ImageError(path: path, problem: .unreadable(reason(errno)))
            }
            if got == 0 { break }
            filled += got
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    private static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
