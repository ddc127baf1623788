#if Studio
import Datasets
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import ToonIO
@testable import ToonServer
import ToonTestSupport

/// A studio on a fresh data folder, and helpers to call it through Hummingbird's test client.
enum Studio {
    static func folder(_ name: String = "studio") -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("toon-serve-\(name)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func server(_ configure: (inout StudioSettings) -> Void = { _ in }) throws -> StudioServer {
        var settings = StudioSettings(dataDirectory: folder())
        settings.port = 0
        configure(&settings)
        return try StudioServer(settings: settings)
    }

    /// Runs `body` against `server`'s router in memory.
    static func test(_ server: StudioServer, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: server.router())
        try await app.test(.router, body)
    }

    /// One synth 'shaded' face at 64 px (the built-in pair's base style), as PNG bytes.
    static func facePNG(seed: UInt64 = 3) throws -> [UInt8] {
        try FaceRenderer.render(FaceParameters.sample(seed: seed, index: 0), style: .shaded, resolution: 64).encoded(as: .png)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(response.body.readableBytesView))
    }

    /// The `{"error": {"message"}}` of an error response.
    static func errorMessage(_ response: TestResponse) -> String {
        struct Body: Decodable { struct Detail: Decodable { let status: Int; let message: String }; let error: Detail }
        return (try? JSONDecoder().decode(Body.self, from: Data(response.body.readableBytesView)).error.message) ?? "<not a JSON error>"
    }

    static func upload(_ client: some TestClientProtocol, _ bytes: [UInt8]) async throws -> Upload {
        try await client.execute(uri: "/api/uploads", method: .post, body: ByteBuffer(bytes: bytes)) { response throws in
            #expect(response.status == .created, "\(errorMessage(response))")
            return try decode(Upload.self, response)
        }
    }

    static func submit(_ client: some TestClientProtocol, _ request: JobRequest) async throws -> Job {
        try await client.execute(uri: "/api/jobs", method: .post, body: ByteBuffer(bytes: try JSONEncoder().encode(request))) { response throws in
            #expect(response.status == .accepted, "\(errorMessage(response))")
            return try decode(Job.self, response)
        }
    }

    /// Polls the job until it is final (at most `seconds`).
    static func finish(_ client: some TestClientProtocol, _ job: Job, seconds: Double = 120) async throws -> Job {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let current = try await client.execute(uri: "/api/jobs/\(job.id)", method: .get) { try decode(Job.self, $0) }
            if current.status.isFinal { return current }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("job \(job.id) did not finish in \(seconds) s")
        return job
    }

    static func result(_ client: some TestClientProtocol, _ job: Job) async throws -> [UInt8] {
        try await client.execute(uri: "/api/jobs/\(job.id)/result", method: .get) { response throws in
            #expect(response.status == .ok, "\(errorMessage(response))")
            return Array(response.body.readableBytesView)
        }
    }
}

/// The `toon` executable built beside the tests: the reference the server's results are compared with.
enum ToonCLI {
    static let executable = ToonExecutable.url
    static let available = ToonExecutable.available

    /// Runs toon with `arguments`; its exit status and stderr.
    @discardableResult
    static func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let errors = Studio.folder("cli").appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let handle = try FileHandle(forWritingTo: errors)
        process.standardError = handle
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try? handle.close()
        return (process.terminationStatus, String(decoding: (try? Data(contentsOf: errors)) ?? Data(), as: UTF8.self))
    }
}
#endif
