import Foundation

/// Writes that leave either the old file or the complete new one, never a partial file: data goes
/// to a temporary file in the destination's folder, which is renamed over the destination.
public enum AtomicFile {
    /// Writes `data` to `url` atomically.
    public static func write(_ data: Data, to url: URL) throws(FileWriteError) {
        try write(to: url) { handle in try handle.write(contentsOf: data) }
    }

    /// Streams content to `url` atomically: `body` writes through the handle; the file appears
    /// under its name only if `body` returns normally and everything reached the disk.
    public static func write(to url: URL, _ body: (FileHandle) throws -> Void) throws(FileWriteError) {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw FileWriteError(url: url, reason: "cannot create a file in \(folder.path) (\(String(cString: strerror(errno))))")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            do {
                try body(handle)
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            guard rename(temporary.path, url.path) == 0 else {
                throw FileWriteError(url: url, reason: "cannot rename into place (\(String(cString: strerror(errno))))")
            }
        } catch let error as FileWriteError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw FileWriteError(url: url, reason: Self.describe(error))
        }
    }

    private static func describe(_ error: Error) -> String {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(ns.code)) {
            return String(cString: strerror(code.rawValue))
        }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }
}

/// A write that did not complete; the destination was left as it was.
public struct FileWriteError: Error, CustomStringConvertible {
    public let url: URL
    public let reason: String
    public var description: String { "\(url.path): cannot write: \(reason)" }
}
