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
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent)\(temporaryMarker)\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        // Created through the run's registry, so an interrupted run removes it (not with
        // FileManager.createFile, which itself writes through a hidden temporary file).
        let created: (descriptor: Int32, token: RunCleanup.Token)
        do { created = try RunCleanup.shared.createFile(temporary.path) } catch {
            throw ToonIOError(url: url, .write(.failed("cannot create a file in \(folder.path) (\(error.reason))")))
        }
        defer { RunCleanup.shared.release(created.token) }
        do {
            let handle = FileHandle(fileDescriptor: created.descriptor, closeOnDealloc: false)
            do {
                try body(handle)
                try handle.synchronize()
                // Every byte written must be in the file before it takes the destination's name:
                // the file reaches at least the handle's position (a writer may seek back to
                // patch a header, so not "exactly").
                let written = try handle.offset()
                var info = stat()
                guard fstat(created.descriptor, &info) == 0, UInt64(info.st_size) >= written else {
                    throw ToonIOError(url: url, .write(.failed("the file holds fewer bytes than were written")))
                }
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            guard rename(temporary.path, url.path) == 0 else {
                throw ToonIOError(url: url, .write(.failed("cannot rename into place (\(SystemErrorText.lastError()))")))
            }
        } catch {
            unlink(temporary.path)
            // Our own write failures pass through; anything else becomes one, with its reason.
            if let error = error as? ToonIOError, case .write = error.problem { throw error }
            throw ToonIOError(url: url, .write(.failed(SystemErrorText.reason(error))))
        }
    }

    /// Temporary files are named `.<name>.partial-<pid>-<n>`, in the destination's folder.
    static let temporaryMarker = ".partial-"

    /// Removes the temporary files that writers killed mid-write left in `folder` (those whose process
    /// no longer runs): SIGKILL cannot be caught, so the next run that owns the folder clears them.
    /// Returns the names removed.
    @discardableResult
    public static func removeLeftovers(in folder: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { name in
            guard name.hasPrefix("."), let marker = name.range(of: temporaryMarker),
                  let pid = Int32(name[marker.upperBound...].prefix { $0 != "-" }), pid > 0 else { return false }
            guard kill(pid, 0) == -1 && errno == ESRCH else { return false }  // still running: not ours to touch
            return unlink(folder.appendingPathComponent(name).path) == 0
        }
    }
}
