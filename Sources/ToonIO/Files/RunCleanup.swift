import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The temporary files and child processes of this run that are not finished yet, so that an
/// interrupted run (SIGINT, SIGTERM) can remove and end them before it exits.
///
/// Creating a file, starting a child and the final cleanup all take one lock, and the cleanup
/// never gives it back: a file is either registered before the cleanup runs (and removed) or
/// never created at all. Registering first and creating after would leave a window in which a
/// file appears after the cleanup ran.
package final class RunCleanup: @unchecked Sendable {
    package static let shared = RunCleanup()

    private let lock = NSLock()
    private var files: [Int: String] = [:]
    private var children: [Int: pid_t] = [:]
    private var nextToken = 0

    /// A registered temporary file or child; hand it back with `release` once it is finished.
    package struct Token: Sendable { fileprivate let value: Int }

    /// Creates `path` (which must not exist) for writing and registers it. Throws the errno.
    package func createFile(_ path: String) throws(POSIXErrorWrapper) -> (descriptor: Int32, token: Token) {
        lock.lock()
        defer { lock.unlock() }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXErrorWrapper(code: errno) }
        return (descriptor, insertFile(path))
    }

    /// Registers `path` for a file another program (ffmpeg) will create.
    package func reserve(_ path: String) -> Token {
        lock.lock()
        defer { lock.unlock() }
        return insertFile(path)
    }

    /// Starts a child with `start`, which returns its process id (0 or less when it did not
    /// start), and registers it, under the lock so that no child starts unseen while a cleanup
    /// runs. Nil when nothing started: a pid of -1 must never reach `kill`.
    package func launch(_ start: () throws -> pid_t) rethrows -> Token? {
        lock.lock()
        defer { lock.unlock() }
        let pid = try start()
        guard pid > 0 else { return nil }
        nextToken += 1
        children[nextToken] = pid
        return Token(value: nextToken)
    }

    /// Forgets a file that was renamed into place or removed, or a child that exited.
    package func release(_ token: Token) {
        lock.lock()
        defer { lock.unlock() }
        files[token.value] = nil
        children[token.value] = nil
    }

    /// Kills every registered child, waits until it is gone (so it cannot create its output
    /// afterwards), then removes every registered file. Keeps the lock for good: call it only
    /// when the process is about to exit. Returns the number of files removed.
    package func cleanUpForExit() -> Int {
        lock.lock()
        for pid in children.values {
            kill(pid, SIGKILL)
            // WNOWAIT: wait for the death but leave the reaping to Foundation's Process.
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
        }
        var removed = 0
        for path in files.values where unlink(path) == 0 { removed += 1 }
        return removed
    }

    private func insertFile(_ path: String) -> Token {
        nextToken += 1
        files[nextToken] = path
        return Token(value: nextToken)
    }
}

/// An errno from `RunCleanup.createFile`.
package struct POSIXErrorWrapper: Error {
    package let code: Int32
    package var reason: String { SystemErrorText.errno(code) }
}
