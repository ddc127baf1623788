import CProcess
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child program started so that it dies with toon (see `toon_spawn`), registered with the
/// run's cleanup while it runs, and waited on with `waitpid`.
final class ChildProcess {
    let pid: pid_t
    private var status: Int32?
    private var registration: RunCleanup.Token?

    /// Starts `executable` with `arguments` on the given descriptors; throws the errno.
    init(executable: String, arguments: [String], stdin: Int32, stdout: Int32, stderr: Int32) throws(POSIXErrorWrapper) {
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var started: pid_t = 0
        var failure: Int32 = 0
        registration = RunCleanup.shared.launch {
            // ETXTBSY: a program written just now can still be open for writing in a child that another
            // thread forked in the meantime, until that child execs; it passes within milliseconds.
            for attempt in 0..<8 {
                failure = argv.withUnsafeBufferPointer { toon_spawn(executable, $0.baseAddress, stdin, stdout, stderr, &started) }
                guard failure == ETXTBSY else { break }
                usleep(useconds_t(5_000 << attempt))
            }
            return failure == 0 ? started : -1
        }
        guard failure == 0 else { throw POSIXErrorWrapper(code: failure) }
        pid = started
    }

    /// Whether the child still runs; reaps it once it has exited.
    var isRunning: Bool {
        guard status == nil else { return false }
        var raw: Int32 = 0
        let result = waitpid(pid, &raw, WNOHANG)
        if result == pid { record(raw) } else if result < 0 && errno != EINTR { status = -1; releaseRegistration() }
        return status == nil
    }

    /// Waits for the child to exit: its exit status, or 128 + the signal that ended it.
    func waitUntilExit() -> Int32 {
        while status == nil {
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, 0)
            if result == pid { record(raw) } else if result < 0 && errno != EINTR { status = -1; releaseRegistration() }
        }
        return status!
    }

    /// Sends SIGKILL if the child still runs.
    func killNow() {
        if isRunning { _ = kill(pid, SIGKILL) }
    }

    private func record(_ raw: Int32) {
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
        let signal = raw & 0x7f
        status = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
        releaseRegistration()
    }

    private func releaseRegistration() {
        if let registration { RunCleanup.shared.release(registration) }
        registration = nil
    }
}
