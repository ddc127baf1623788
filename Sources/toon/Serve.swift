import ArgumentParser
import Foundation
#if Studio
import ToonServer

/// The commands only a build with the Studio trait has (`swift build --traits Studio`).
var studioCommands: [any ParsableCommand.Type] { [Serve.self] }

/// `toon serve`: the web studio (docs/serve.md).
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the web studio: style gallery, generate, toonify and stylize photos and videos, results.",
        discussion: """
            A page and a JSON API (described at /api/openapi.json) on one port,
            bound to loopback unless --host says otherwise. Jobs run --workers at
            a time and are kept in --data (SQLite, uploads, results): a restart
            keeps every finished result and runs the unfinished jobs again.
            Models stay loaded within --memory-budget, the least recently used
            dropped first. docs/serve.md.

            Examples:
              toon serve                                  (http://127.0.0.1:8080)
              toon serve --models ~/models --data studio --workers 2 --memory-budget 4G
            """
    )

    @Option(help: "Address to listen on (loopback by default; 0.0.0.0 opens it to the network).") var host = "127.0.0.1"
    @Option(parsing: .unconditional, help: "TCP port (0 picks a free one).") var port = 8080
    @Option(help: ArgumentHelp("A folder of extra models: generators, toonify pairs (B and B-S), students.", valueName: "dir"),
            completion: .directory) var models: String?
    @Option(help: ArgumentHelp("Where jobs, uploads and results are kept.", valueName: "dir"), completion: .directory) var data = "toon-studio"
    @Option(parsing: .unconditional, help: "Jobs run at once.") var workers = 1
    @Option(name: .customLong("memory-budget"), help: ArgumentHelp("Memory for loaded models, e.g. 2G or 512M.", valueName: "size"))
    var memoryBudget = "2G"
    @Option(name: .customLong("max-upload"), help: ArgumentHelp("Largest upload, e.g. 50M.", valueName: "size")) var maxUpload = "50M"
    @Option(name: .customLong("max-video-seconds"), parsing: .unconditional, help: "Longest video accepted, in seconds.") var maxVideoSeconds = 60.0
    @Option(name: .customLong("rate-limit"), parsing: .unconditional, help: "Uploads and job requests one client may make per minute.")
    var rateLimit = 120

    func validate() throws {
        if !(0...65_535).contains(port) { throw ValidationError("--port must be in 0...65535, not \(port)") }
        if !(1...64).contains(workers) { throw ValidationError("--workers must be in 1...64, not \(workers)") }
        if ByteSize.parse(memoryBudget) == nil { throw ValidationError("--memory-budget must be a size such as 2G or 512M, not '\(memoryBudget)'") }
        if ByteSize.parse(maxUpload) == nil { throw ValidationError("--max-upload must be a size such as 50M, not '\(maxUpload)'") }
        if !(maxVideoSeconds.isFinite && maxVideoSeconds > 0) { throw ValidationError("--max-video-seconds must be above 0") }
        if rateLimit < 1 { throw ValidationError("--rate-limit must be at least 1") }
    }

    func run() throws {
        try reportingFailures {
            var settings = StudioSettings(dataDirectory: URL(fileURLWithPath: data))
            settings.host = host
            settings.port = port
            settings.workers = workers
            settings.memoryBudget = ByteSize.parse(memoryBudget)!
            settings.maxUploadBytes = ByteSize.parse(maxUpload)!
            settings.maxVideoSeconds = maxVideoSeconds
            settings.writesPerMinute = rateLimit
            if let models {
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: models, isDirectory: &isFolder), isFolder.boolValue else {
                    throw UsageProblem("--models \(models): not a folder")
                }
                settings.modelsDirectory = URL(fileURLWithPath: models)
            }
            let server = try StudioServer(settings: settings)
            for line in server.catalog.skipped { FileHandle.standardError.write(Data("toon: --models: \(line)\n".utf8)) }
            let names = server.catalog.styles.map(\.name).joined(separator: ", ")
            let done = DispatchSemaphore(value: 0)
            let failure = FailureBox()
            Task {
                do {
                    try await server.run { port in
                        // Flushed at once: scripts and tests read the port from this line.
                        FileHandle.standardOutput.write(Data("toon serve: http://\(host):\(port)/ (styles: \(names))\n".utf8))
                    }
                } catch { failure.error = error }
                done.signal()
            }
            done.wait()
            if let error = failure.error { throw RunFailure("\(error)") }
        }
    }
}

/// The server task's failure, read after it ends.
private final class FailureBox: @unchecked Sendable {
    var error: (any Error)?
}
#else
/// The commands only a build with the Studio trait has (`swift build --traits Studio`): none here.
var studioCommands: [any ParsableCommand.Type] { [] }
#endif
