import Foundation
import Stylizer
import ToonIO

/// A distillation run's records: log.jsonl lines and TensorBoard events (one event file per start
/// or resume; TensorBoard merges them).
struct DistillLog {
    let jsonl: URL
    let events: TensorBoardEvents

    init(folder: URL) {
        jsonl = folder.appendingPathComponent("log.jsonl")
        events = TensorBoardEvents(folder: folder)
    }

    func start() throws {
        do { try events.start(wallTime: Date().timeIntervalSince1970) } catch {
            throw RunFailure("\(events.url.path): cannot write the TensorBoard log: \(SystemErrorText.reason(error))")
        }
    }

    /// `{"step": k, "l1": ..., ...}` and the same scalars under Loss/.
    func losses(step: Int, _ values: [(name: String, value: Double)]) throws {
        try append("{\"step\": \(step), " + values.map { "\"\($0.name)\": \($0.value)" }.joined(separator: ", ") + "}")
        try scalars(step: step, values.map { ($0.name == "sec_per_step" ? "Timing/sec_per_step" : "Loss/\($0.name)", Float($0.value)) })
    }

    /// `{"step": k, "eval": {...}}` and the same under Eval/.
    func evaluation(step: Int, pairs: Int, _ e: Distiller.Evaluation) throws {
        try append("{\"step\": \(step), \"eval\": {\"pairs\": \(pairs), \"ssim\": \(e.ssim), \"psnr\": \(e.psnr), \"mse\": \(e.mse)}}")
        try scalars(step: step, [("Eval/SSIM", Float(e.ssim)), ("Eval/PSNR", Float(e.psnr)), ("Eval/MSE", Float(e.mse))])
    }

    private func append(_ line: String) throws {
        if let reason = AppendedLine.append(line + "\n", to: jsonl) { throw RunFailure("\(jsonl.path): cannot append to the log: \(reason)") }
    }

    private func scalars(step: Int, _ values: [(tag: String, value: Float)]) throws {
        do { try events.append(step: step, wallTime: Date().timeIntervalSince1970, scalars: values) } catch {
            throw RunFailure("\(events.url.path): cannot append to the TensorBoard log: \(SystemErrorText.reason(error))")
        }
    }
}

/// Running means of named losses between log lines, in first-seen order.
struct LossMeans {
    private var sums: [(name: String, sum: Double, count: Int)] = []
    private(set) var count = 0

    mutating func add(_ values: [(name: String, value: Float)]) {
        count += 1
        for (name, value) in values {
            if let i = sums.firstIndex(where: { $0.name == name }) {
                sums[i].sum += Double(value)
                sums[i].count += 1
            } else {
                sums.append((name, Double(value), 1))
            }
        }
    }

    /// Each loss's mean over the steps it was taken on (R1 only on its interval's steps).
    var values: [(name: String, value: Double)] { sums.map { ($0.name, $0.sum / Double($0.count)) } }
}
