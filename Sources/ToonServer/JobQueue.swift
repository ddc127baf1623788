#if Studio
import Foundation

/// The job queue: at most `workers` jobs run at once, each on its own thread (never on Swift's
/// cooperative pool, which serves requests); the rest wait in order. Every change of status is
/// written to the store before it is shown, so a restart finds each job where it was.
final class JobQueue: @unchecked Sendable {
    private let store: JobStore
    private let work: StudioWork
    private let workers: Int
    private let maxQueued: Int
    private let threads = DispatchQueue(label: "toon.serve.jobs", qos: .utility, attributes: .concurrent)
    private let lock = NSLock()
    private var waiting: [String] = []
    private var active: [String: Job] = [:]
    private var flags: [String: CancelFlag] = [:]
    private var running = 0

    init(store: JobStore, work: StudioWork, workers: Int, maxQueued: Int) {
        (self.store, self.work, self.workers, self.maxQueued) = (store, work, max(1, workers), maxQueued)
    }

    /// Queues what a previous run left unfinished, oldest first; returns how many.
    func resume() throws -> Int {
        let unfinished = try store.requeueUnfinished()
        lock.withLock {
            for job in unfinished {
                active[job.id] = job
                flags[job.id] = CancelFlag()
                waiting.append(job.id)
            }
        }
        pump()
        return unfinished.count
    }

    /// Queues a new job for `request` (already checked), or refuses with 503 when the queue is full.
    func submit(_ request: JobRequest) throws -> Job {
        let now = Date().timeIntervalSince1970
        let job = Job(id: UUID().uuidString.lowercased(), request: request, status: .queued, progress: 0, message: nil,
                      resultFile: nil, resultType: nil, created: now, updated: now)
        try lock.withLock {
            guard waiting.count < maxQueued else {
                throw StudioError(.serviceUnavailable, "the queue is full (\(maxQueued) jobs waiting); try again later")
            }
            try store.save(job)
            active[job.id] = job
            flags[job.id] = CancelFlag()
            waiting.append(job.id)
        }
        pump()
        return job
    }

    /// The job with `id`: the live copy while it is queued or running, else the stored one.
    func job(_ id: String) throws -> Job? {
        if let live = lock.withLock({ active[id] }) { return live }
        return try store.job(id)
    }

    /// Every job, newest first (live copies for the unfinished).
    func all() throws -> [Job] {
        let live = lock.withLock { active }
        return try store.all().map { live[$0.id] ?? $0 }
    }

    /// Jobs waiting and running now.
    var counts: (waiting: Int, running: Int) { lock.withLock { (waiting.count, running) } }

    /// Cancels a queued or running job: it is marked cancelled at once; a running one stops at its
    /// next step (a generated image, a projection step, a video frame), leaving no result.
    func cancel(_ id: String) throws -> Job? {
        let cancelled: Job? = try lock.withLock {
            guard var job = active[id] else { return nil }
            flags[id]?.raise()
            waiting.removeAll { $0 == id }
            job.status = .cancelled
            job.message = "cancelled"
            job.updated = Date().timeIntervalSince1970
            try store.save(job)
            active[id] = nil
            return job
        }
        return try cancelled ?? store.job(id)
    }

    private func pump() {
        let started: [(Job, CancelFlag)] = lock.withLock {
            var started: [(Job, CancelFlag)] = []
            while running < workers, !waiting.isEmpty {
                let id = waiting.removeFirst()
                guard var job = active[id], let flag = flags[id] else { continue }
                job.status = .running
                job.updated = Date().timeIntervalSince1970
                try? store.save(job)
                active[id] = job
                running += 1
                started.append((job, flag))
            }
            return started
        }
        for (job, flag) in started {
            threads.async { self.execute(job, flag) }
        }
    }

    private func execute(_ job: Job, _ flag: CancelFlag) {
        let outcome = Result { try work.run(job, cancel: flag) { [weak self] fraction in self?.update(job.id, progress: fraction) } }
        lock.withLock {
            running -= 1
            guard var finished = active[job.id], !flag.isSet else {
                // Cancelled meanwhile: whatever was made is dropped.
                work.removeResult(of: job.id)
                flags[job.id] = nil
                return
            }
            switch outcome {
            case .success(let result):
                finished.status = .done
                finished.progress = 1
                finished.resultFile = result.file
                finished.resultType = result.type
                finished.message = result.message
            case .failure(let error):
                finished.status = .failed
                // Clients see the problem, not where the server keeps its files.
                finished.message = "\(error)".replacingOccurrences(of: work.results.deletingLastPathComponent().path + "/", with: "")
            }
            finished.updated = Date().timeIntervalSince1970
            try? store.save(finished)
            active[job.id] = nil
            flags[job.id] = nil
        }
        pump()
    }

    private func update(_ id: String, progress: Double) {
        lock.withLock {
            guard var job = active[id] else { return }
            job.progress = min(1, max(0, progress))
            job.updated = Date().timeIntervalSince1970
            active[id] = job
        }
    }
}
#endif
