import Foundation

/// Sums of a tick's losses and timings, written as one line of `log.jsonl`.
struct TickStatistics {
    private var sums: [String: Double] = [:]
    private var counts: [String: Int] = [:]

    mutating func add(_ name: String, _ value: Float) {
        sums[name, default: 0] += Double(value)
        counts[name, default: 0] += 1
    }

    /// Values measured once per tick (snapshot metrics, ADA's p at the tick's end), reported as they are.
    private var measured: [String: Double] = [:]

    mutating func record(measured values: [String: Double]) {
        measured.merge(values) { $1 }
    }

    var means: [String: Double] {
        Dictionary(uniqueKeysWithValues: sums.map { ($0.key, $0.value / Double(counts[$0.key]!)) }).merging(measured) { $1 }
    }
}

/// What one tick reports to the log and to whoever shows progress.
public struct TickReport: Sendable {
    public let tick: Int
    public let kimg: Double
    public let totalKimg: Double
    public let secondsPerKimg: Double
    public let tickSeconds: Double
    /// Mean losses of the tick by name (loss_G, loss_D, r1, pl, D_real, D_fake), and ADA's p (augment).
    public let means: [String: Double]
    public let maxResidentMB: Double
    public let snapshot: URL?

    /// The tick as TensorBoard scalars, named as NVLabs' training loop names them where it has them.
    var scalars: [(tag: String, value: Float)] {
        let names = ["loss_G": "Loss/G/loss", "loss_D": "Loss/D/loss", "r1": "Loss/r1_penalty", "pl": "Loss/pl_penalty",
                     "D_real": "Loss/scores/real", "D_fake": "Loss/scores/fake", "swd_mean": "Metrics/swd_mean", "fid": "Metrics/fid",
                     "augment": "Progress/augment"]
        var out = means.sorted { $0.key < $1.key }.map { (names[$0.key] ?? ($0.key.hasPrefix("swd") ? "Metrics/\($0.key)" : $0.key), Float($0.value)) }
        out += [("Progress/kimg", Float(kimg)), ("Timing/sec_per_kimg", Float(secondsPerKimg)),
                ("Resources/peak_rss_mb", Float(maxResidentMB))]
        return out
    }

    var jsonLine: String {
        var fields: [(String, Any)] = [("tick", tick), ("kimg", kimg), ("sec_per_kimg", secondsPerKimg),
                                       ("sec_per_tick", tickSeconds), ("maxrss_mb", maxResidentMB),
                                       ("timestamp", Date().timeIntervalSince1970)]
        fields += means.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if let snapshot { fields.append(("snapshot", snapshot.lastPathComponent)) }
        let body = fields.map { key, value -> String in
            switch value {
            case let v as Int: "\"\(key)\": \(v)"
            case let v as Double: "\"\(key)\": \(v.isFinite ? String(format: "%.6g", v) : "null")"
            case let v as String: "\"\(key)\": \"\(v)\""
            default: "\"\(key)\": null"
            }
        }
        return "{" + body.joined(separator: ", ") + "}\n"
    }
}

/// Peak resident memory of this process in MB (getrusage; kilobytes on Linux).
func maxResidentMegabytes() -> Double {
    var usage = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
    #else
    getrusage(RUSAGE_SELF, &usage)
    return Double(usage.ru_maxrss) / (1024 * 1024)
    #endif
}
