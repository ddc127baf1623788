#if Studio
import Foundation
import Hummingbird
import Logging
import ToonIO

/// The web studio: style gallery, generation, toonify and stylize jobs, results, and the page, over
/// one JSON API (docs/serve.md).
public final class StudioServer: Sendable {
    /// How it runs.
    public let settings: StudioSettings
    /// The styles it offers.
    public let catalog: StyleCatalog
    let store: JobStore
    let queue: JobQueue
    let work: StudioWork
    let limiter: RateLimiter
    let thumbnails = ThumbnailCache()

    /// Opens the data folder (database, uploads, results) and the models; unfinished jobs of an
    /// earlier run are queued again by `resume()`.
    public init(settings: StudioSettings) throws {
        self.settings = settings
        let data = settings.dataDirectory
        let uploads = data.appendingPathComponent("uploads"), results = data.appendingPathComponent("results")
        for folder in [data, uploads, results] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        // Temporary files a killed run left (never served) go; those of a writer still running stay.
        for folder in [uploads, results] { AtomicFile.removeLeftovers(in: folder) }
        UploadStore.removeLeftoverProbes(in: uploads)
        catalog = StyleCatalog.load(modelsDirectory: settings.modelsDirectory)
        store = try JobStore(url: data.appendingPathComponent("studio.sqlite"))
        work = StudioWork(catalog: catalog, models: ModelCache(budget: settings.memoryBudget),
                          uploads: UploadStore(folder: uploads, settings: settings), results: results, settings: settings)
        queue = JobQueue(store: store, work: work, workers: settings.workers, maxQueued: settings.maxQueuedJobs)
        limiter = RateLimiter(perMinute: settings.writesPerMinute)
    }

    /// Queues the jobs an earlier run left unfinished; returns how many.
    @discardableResult
    public func resume() throws -> Int { try queue.resume() }

    /// The models kept loaded, least recently used first.
    public var loadedModels: [String] { work.models.keys }

    /// The Hummingbird application serving the studio at the settings' address.
    public func application(logger: Logger = Logger(label: "toon.serve")) -> some ApplicationProtocol {
        Application(router: router(), configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "toon-serve"),
                    logger: logger)
    }

    /// Runs the studio until the process is stopped.
    public func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try resume()
        var app = Application(router: router(), configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "toon-serve"),
                              onServerRunning: { await onServerRunning($0.localAddress?.port ?? 0) }, logger: Logger(label: "toon.serve"))
        app.logger.logLevel = .warning
        try await app.runService()
    }
}

/// Offloads blocking work (models, images) from Swift's cooperative pool onto a Dispatch thread.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async { continuation.resume(with: Result { try body() }) }
    }
}
#endif
