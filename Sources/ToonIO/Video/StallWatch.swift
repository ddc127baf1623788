import Foundation

/// Tells when a child process has stopped making progress: for `limit` seconds it used no CPU
/// time and none of the files it writes changed size. Busy encoding counts as progress even while
/// it reads no input, so only a child that is truly stuck (blocked, sleeping, waiting on a full
/// disk that never empties) is given up on.
struct StallWatch {
    let pid: pid_t
    let files: [String]
    let limit: Double
    private var lastSample: [UInt64] = []
    private var lastChange = DispatchTime.now().uptimeNanoseconds

    init(pid: pid_t, files: [String], limit: Double) {
        self.pid = pid
        self.files = files
        self.limit = limit
        lastSample = sample()
    }

    /// Samples the child; true once nothing moved for `limit` seconds.
    mutating func stalled() -> Bool {
        let now = sample(), time = DispatchTime.now().uptimeNanoseconds
        if now != lastSample {
            lastSample = now
            lastChange = time
            return false
        }
        return Double(time - lastChange) / 1e9 >= limit
    }

    /// Counts that grow while the child works: its CPU ticks (Linux) and its files' sizes.
    private func sample() -> [UInt64] {
        var values = [cpuTicks()]
        for path in files {
            var info = stat()
            values.append(stat(path, &info) == 0 ? UInt64(info.st_size) : 0)
        }
        return values
    }

    /// utime + stime from /proc/PID/stat (fields 14 and 15, counted after the command's closing
    /// parenthesis, which may itself contain spaces); 0 where there is no /proc.
    private func cpuTicks() -> UInt64 {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = UInt64(fields[11]), let system = UInt64(fields[12]) else { return 0 }
        return user + system
    }
}
