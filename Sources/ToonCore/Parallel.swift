import Dispatch
import Foundation

/// Splitting work over the machine's cores.
///
/// Rule that keeps threads from multiplying: `Parallel.forEach` is used only for loops that do not
/// call BLAS; BLAS calls run on the calling thread and use BLAS's own threads (see `BLAS`).
public enum Parallel {
    /// Worker count: the active processor count.
    public static let workerCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Calls `body` on disjoint ranges covering `0..<count`, concurrently when the work is large
    /// enough. `grain` is the smallest range worth a thread of its own.
    public static func forEach(_ count: Int, grain: Int = 32_768, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = min(workerCount, max(1, count / max(grain, 1)))
        if chunks == 1 { body(0..<count); return }
        withoutActuallyEscaping(body) { body in
            // The ranges are disjoint, so the body's captured buffers are never written twice.
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let lower = count * chunk / chunks
                let upper = count * (chunk + 1) / chunks
                shared.value(lower..<upper)
            }
        }
    }
}

/// Hands a value to concurrent code whose safety the caller guarantees (disjoint writes).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
