import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splitting work over the machine's cores.
///
/// One threading system: BLAS itself runs single-threaded (see `BLAS`), and every parallel loop,
/// GEMMs included, goes through `Parallel`. A `Parallel` loop started from inside another one runs
/// serially on the calling worker, so threads never multiply.
public enum Parallel {
    /// Workers a loop started now splits across: the current configuration's thread count.
    public static var workerCount: Int { ComputeConfiguration.current.threads }

    /// True on a thread that is running the body of a `Parallel` loop.
    public static var isInsideLoop: Bool { pthread_getspecific(nestingKey) != nil }

    /// Calls `body` on disjoint ranges covering `0..<count`, concurrently when the work is large
    /// enough. `grain` is the smallest range worth a thread of its own.
    public static func forEach(_ count: Int, grain: Int = 32_768, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let configuration = ComputeConfiguration.current
        let chunks = isInsideLoop ? 1 : min(configuration.threads, max(1, count / max(grain, 1)))
        if chunks == 1 { body(0..<count); return }
        withoutActuallyEscaping(body) { body in
            // The ranges are disjoint, so the body's captured buffers are never written twice.
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let lower = count * chunk / chunks
                let upper = count * (chunk + 1) / chunks
                markedAsWorker(configuration) { shared.value(lower..<upper) }
            }
        }
    }

    /// Runs `body(worker, task)` for every task in `0..<tasks`, handing tasks out one at a time to at
    /// most `workers` concurrent workers (tasks of uneven cost balance themselves). `worker` is in
    /// `0..<workers` and no two concurrent calls share it, so it can index per-worker scratch buffers.
    public static func forEachTask(_ tasks: Int, workers: Int = Parallel.workerCount,
                                   _ body: (_ worker: Int, _ task: Int) -> Void) {
        guard tasks > 0 else { return }
        let workers = isInsideLoop ? 1 : max(1, min(workers, tasks))
        if workers == 1 {
            for task in 0..<tasks { body(0, task) }
            return
        }
        let configuration = ComputeConfiguration.current
        let counter = TaskCounter()
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                markedAsWorker(configuration) {
                    while let task = counter.next(below: tasks) { shared.value(worker, task) }
                }
            }
        }
    }

    /// Workers for `tasks` whole tasks of near-equal cost: one per thread when there are at least
    /// as many tasks as threads, else 1 (and inside a loop), where each task splits its own work.
    static func workers(forTasks tasks: Int) -> Int {
        tasks >= workerCount && workerCount > 1 && !isInsideLoop ? min(workerCount, tasks) : 1
    }

    /// Runs `body(worker, task)` for every task in `0..<tasks` on `workers` workers, task t always
    /// on worker t % workers: what a worker sums over its tasks, and so per-worker totals added in
    /// worker order, come out the same on every run (`forEachTask` hands tasks out as they finish).
    static func forEachTaskByWorker(_ tasks: Int, workers: Int, _ body: (_ worker: Int, _ task: Int) -> Void) {
        guard workers > 1 else {
            for task in 0..<tasks { body(0, task) }
            return
        }
        forEach(workers, grain: 1) { range in
            for worker in range {
                for task in stride(from: worker, to: tasks, by: workers) { body(worker, task) }
            }
        }
    }

    private static let nestingKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "ToonCore: no thread-specific key for Parallel")
        return key
    }()

    /// Runs a worker's share: marked as inside a loop, with the loop's configuration in scope
    /// (task-local values do not cross into Dispatch's threads by themselves).
    private static func markedAsWorker(_ configuration: ComputeConfiguration, _ body: () -> Void) {
        let outer = pthread_getspecific(nestingKey)
        pthread_setspecific(nestingKey, UnsafeRawPointer(bitPattern: 1))
        configuration.run(body)
        pthread_setspecific(nestingKey, outer)
    }
}

/// A shared task index behind a lock (tasks are milliseconds long, so the lock is never hot).
private final class TaskCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

/// Hands a value to concurrent code whose safety the caller guarantees (disjoint writes).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
