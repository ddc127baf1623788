import Foundation

/// Writes that leave either the old file or the complete new one, never a partial file: data goes
/// to a temporary file in the destination's folder, which is renamed over the destination.
public enum AtomicFile {
    /// Writes `data` to `url` atomically.
    public static func write(_ data: Data, to url: URL) throws(ToonIOError) {
        try write(to: url) { handle in try handle.write(contentsOf: data) }
    }

    /// Streams content to `url` atomically: `body` writes through the handle; the file appears
    /// under its name only if `body` returns normally and everything reached the disk.
    public static func write(to url: URL, _ body: (FileHandle) throws -> Void) throws(ToonIOError) {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw ToonIOError(url: url, .write(.failed("cannot create a file in \(folder.path) (\(String(cString: strerror(errno))))")))
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
                throw ToonIOError(url: url, .write(.failed("cannot rename into place (\(String(cString: strerror(errno))))")))
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            // Our own write failures pass through; anything else becomes one, with its reason.
            if let error = error as? ToonIOError, case .write = error.problem { throw error }
            throw ToonIOError(url: url, .write(.failed(Self.describe(error))))
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
