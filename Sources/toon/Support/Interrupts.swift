import Foundation
import ToonIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT, SIGTERM and SIGHUP end the run cleanly: every child (ffmpeg) is killed, every
/// temporary file of the run is removed, and toon exits with 128 + the signal (130, 143, 129).
/// Outputs already renamed into place stay.
///
/// The handler itself only writes the signal's number to a pipe (one async-signal-safe call); a
/// thread waiting on the pipe does the cleanup, where locks and allocation are allowed. A real
/// handler, not SIG_IGN, because ignored signals stay ignored in children across exec, and ffmpeg
/// must still be stoppable.
enum Interrupts {
    nonisolated(unsafe) private static var pipeWrite: Int32 = -1

    /// For commands that can stop cleanly (training writes a snapshot): after `allowGracefulStop()`
    /// the first signal only sets `isStopRequested`; a second one ends the run as usual.
    static let stopRequest = StopRequest()
    static func allowGracefulStop() { stopRequest.setGraceful() }
    static var isStopRequested: Bool { stopRequest.isRequested }
    /// The exit status for a graceful stop: 128 + the signal that asked for it.
    static var stopExitStatus: Int32 { 128 + stopRequest.signal }

    static func install() {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        pipeWrite = ends[1]
        let reader = ends[0]
        let thread = Thread {
            var number: UInt8 = 0
            while true {
                let got = read(reader, &number, 1)
                if got == 1 {
                    // A command that stops at a safe point takes the first signal as a request.
                    if stopRequest.requestIfGraceful(signal: Int32(number)) {
                        let note = "\ntoon: stopping at the end of this step (once more to stop now)\n"
                        _ = note.withCString { write(STDERR_FILENO, $0, strlen($0)) }
                        continue
                    }
                    break
                }
                // Only an interrupted read is retried; anything else would spin, so give up.
                if got < 0 && errno == EINTR { continue }
                return
            }
            let removed = RunCleanup.shared.cleanUpForExit()
            let name = number == UInt8(SIGINT) ? "SIGINT" : number == UInt8(SIGTERM) ? "SIGTERM" : "signal \(number)"
            let note = "\ntoon: stopped by \(name)" + (removed > 0 ? "; removed \(removed) unfinished file\(removed == 1 ? "" : "s")" : "") + "\n"
            _ = note.withCString { write(STDERR_FILENO, $0, strlen($0)) }
            _exit(128 + Int32(number))
        }
        // A parent may start toon with these signals blocked (Foundation's Process passes on the
        // spawning thread's mask; test runners block most signals): unblock them here, before
        // any other thread exists, so every thread inherits the unblocked mask.
        var handled = sigset_t()
        sigemptyset(&handled)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&handled, signalNumber) }
        pthread_sigmask(SIG_UNBLOCK, &handled, nil)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(Interrupts.pipeWrite, &byte, 1)
            }
            #else
            action.__sigaction_u.__sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(Interrupts.pipeWrite, &byte, 1)
            }
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(signalNumber, &action, nil)
        }
        thread.start()
    }
}

/// The graceful-stop state, shared by the signal thread and the command.
final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var graceful = false
    private var requested = false
    private var number: Int32 = SIGINT

    func setGraceful() {
        lock.lock()
        graceful = true
        lock.unlock()
    }

    /// Records a request and returns true when the command stops gracefully and none was made yet.
    func requestIfGraceful(signal: Int32) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard graceful, !requested else { return false }
        requested = true
        number = signal
        return true
    }

    var signal: Int32 {
        lock.lock()
        defer { lock.unlock() }
        return number
    }

    var isRequested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return requested
    }
}
