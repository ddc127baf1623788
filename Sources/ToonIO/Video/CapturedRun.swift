import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A short child program (ffprobe) run to its end with stdout and stderr in temporary files, so
/// nothing has to drain a pipe while we wait; killed if it stalls (`StallWatch`).
struct CapturedRun {
    /// Exit status, or 128 + the signal; nil when it stalled and was killed.
    let status: Int32?
    let output: Data
    let errors: Data

    /// Runs `program` with `arguments`; throws only when it cannot be started.
    static func run(_ program: URL, _ arguments: [String], stallTimeout: Double) throws(POSIXErrorWrapper) -> CapturedRun {
        let stem = FileManager.default.temporaryDirectory.path + "/toonkit-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let outPath = stem + ".out", errPath = stem + ".err"
        let out = try RunCleanup.shared.createFile(outPath)
        defer { unlink(outPath); RunCleanup.shared.release(out.token) }
        let err: (descriptor: Int32, token: RunCleanup.Token)
        do { err = try RunCleanup.shared.createFile(errPath) } catch { close(out.descriptor); throw error }
        defer { unlink(errPath); RunCleanup.shared.release(err.token) }
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { if null >= 0 { close(null) } }
        let child: ChildProcess
        do {
            child = try ChildProcess(executable: program.path, arguments: arguments, stdin: null >= 0 ? null : out.descriptor,
                                     stdout: out.descriptor, stderr: err.descriptor)
        } catch {
            close(out.descriptor); close(err.descriptor)
            throw error
        }
        close(out.descriptor); close(err.descriptor)
        var watch = StallWatch(pid: child.pid, files: [outPath, errPath], limit: stallTimeout)
        var stalled = false
        while child.isRunning {
            usleep(5_000)
            if watch.stalled() { stalled = true; child.killNow(); break }
        }
        let status = child.waitUntilExit()
        return CapturedRun(status: stalled ? nil : status,
                           output: (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data(),
                           errors: (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data())
    }
}
