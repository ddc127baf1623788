import Foundation

/// The temporary file a streaming writer fills before it is renamed over the destination.
///
/// `AtomicFile.write(to:_:)` covers writes that finish inside one call; video frames arrive over
/// many calls, so the same temp-then-rename rule lives here as an object. Dropping it without
/// `commit()` removes the temporary file, so an error or a cancelled render leaves nothing behind.
final class PartialFile {
    let destination: URL
    let temporary: URL
    private var handle: FileHandle?
    private var isOpen = true
    /// The temporary file's entry in the run's registry, so an interrupted run removes it.
    private let registration: RunCleanup.Token
    /// Bytes handed to `write`, checked against the file's size before the rename.
    private var bytesWritten: UInt64 = 0

    /// Reserves a temporary name beside `destination`; with `open`, creates it for writing.
    /// Without `open`, another program (ffmpeg) is expected to create it.
    init(destination: URL, open: Bool = true) throws(ToonIOError) {
        let folder = destination.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ToonIOError(url: destination, .video(.missingFolder(folder.path)))
        }
        self.destination = destination
        // Same folder as the destination, so the final rename never crosses file systems.
        temporary = folder.appendingPathComponent(
            ".\(destination.lastPathComponent).partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard open else {
            registration = RunCleanup.shared.reserve(temporary.path)
            return
        }
        do {
            let created = try RunCleanup.shared.createFile(temporary.path)
            registration = created.token
            handle = FileHandle(fileDescriptor: created.descriptor, closeOnDealloc: true)
        } catch {
            throw ToonIOError(url: destination, .video(.io("cannot create a file in \(folder.path) (\(error.reason))")))
        }
    }

    /// Appends bytes to the temporary file.
    func write(_ bytes: [UInt8]) throws(ToonIOError) {
        guard isOpen, let handle else { throw ToonIOError(url: destination, .video(.closed)) }
        do {
            try handle.write(contentsOf: bytes)
            bytesWritten += UInt64(bytes.count)
        } catch {
            throw ToonIOError(url: destination, .video(.io("cannot write: \(SystemErrorText.reason(error))")))
        }
    }

    /// Flushes, closes and renames the temporary file over the destination.
    func commit() throws(ToonIOError) {
        guard isOpen else { throw ToonIOError(url: destination, .video(.closed)) }
        isOpen = false
        if let handle {
            // Everything written must be in the file before it takes the destination's name.
            var flushed = true
            do { try handle.synchronize() } catch { flushed = false }
            var info = stat()
            let complete = fstat(handle.fileDescriptor, &info) == 0 && UInt64(info.st_size) == bytesWritten
            if !flushed || !complete || (try? handle.close()) == nil {
                let reason = SystemErrorText.lastError()
                discardFile()
                throw ToonIOError(url: destination, .video(.io(complete ? "cannot flush (\(reason))" : "the file holds fewer bytes than were written")))
            }
        }
        handle = nil
        guard rename(temporary.path, destination.path) == 0 else {
            let reason = SystemErrorText.lastError()
            discardFile()
            throw ToonIOError(url: destination, .video(.io("cannot rename into place (\(reason))")))
        }
        RunCleanup.shared.release(registration)
    }

    /// Closes and removes the temporary file; the destination is left as it was.
    func discard() {
        guard isOpen else { return }
        isOpen = false
        discardFile()
    }

    private func discardFile() {
        try? handle?.close()
        handle = nil
        unlink(temporary.path)
        RunCleanup.shared.release(registration)
    }

    deinit { discard() }
}
