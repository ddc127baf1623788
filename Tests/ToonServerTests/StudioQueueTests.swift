#if Studio
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import ToonIO
@testable import ToonServer
import ToonTestSupport

@Suite("toon serve: the job queue, its events, cancelling and restarts", .computeFromEnvironment)
struct StudioQueueTests {
    /// A walk long enough to be cancelled while it runs (600 frames of 64 px).
    static func longWalk() -> JobRequest {
        var request = JobRequest(kind: .interpolate, style: "anime64")
        (request.seeds, request.frames) = ("0,1", 600)
        return request
    }

    static func quickGrid(_ seeds: String = "0") -> JobRequest {
        var request = JobRequest(kind: .generate, style: "anime64")
        request.seeds = seeds
        return request
    }

    @Test("server-sent events: the job as JSON at each change, ending with it done")
    func events() async throws {
        let server = try Studio.server()
        try await Studio.test(server) { client in
            let job = try await Studio.submit(client, Self.quickGrid("0-3"))
            try await client.execute(uri: "/api/jobs/\(job.id)/events", method: .get) { response throws in
                #expect(response.headers[.contentType] == "text/event-stream")
                let events = String(buffer: response.body).components(separatedBy: "\n\n").filter { !$0.isEmpty }
                #expect(events.allSatisfy { $0.hasPrefix("event: job\ndata: {") })
                let last = try JSONDecoder().decode(Job.self, from: Data(events.last!.dropFirst("event: job\ndata: ".count).utf8))
                #expect(last.status == .done && last.id == job.id)
            }
        }
    }

    @Test("cancel: a queued job at once, a running one at its next frame; its result is never served; a finished job cannot be cancelled")
    func cancel() async throws {
        let server = try Studio.server { $0.workers = 1 }
        try await Studio.test(server) { client in
            let running = try await Studio.submit(client, Self.longWalk())
            let queued = try await Studio.submit(client, Self.quickGrid())
            for job in [queued, running] {
                try await client.execute(uri: "/api/jobs/\(job.id)", method: .delete) { response throws in
                    #expect(response.status == .ok)
                    #expect(try Studio.decode(Job.self, response).status == .cancelled)
                }
            }
            let after = try await Studio.submit(client, Self.quickGrid())
            let done = try await Studio.finish(client, after)
            #expect(done.status == .done, "the worker is free again after the cancelled walk")
            try await client.execute(uri: "/api/jobs/\(running.id)/result", method: .get) { response throws in
                #expect(response.status == .conflict && Studio.errorMessage(response) == "job \(running.id) is cancelled; it has no result")
            }
            try await client.execute(uri: "/api/jobs/\(done.id)", method: .delete) { response throws in
                #expect(response.status == .conflict && Studio.errorMessage(response) == "job \(done.id) is already done")
            }
            let results = try FileManager.default.contentsOfDirectory(atPath: server.settings.dataDirectory.appendingPathComponent("results").path)
            #expect(results == ["\(done.id).png"], "nothing of the cancelled jobs is left")
        }
    }

    @Test("cancel inside a projection and inside a video: the worker is free within seconds, and nothing of the job is left",
          .enabled(if: TestVideos.installed, Comment(rawValue: TestVideos.missing)))
    func cancelInsideLibraryCalls() async throws {
        let server = try Studio.server { $0.workers = 1 }
        let clip = Studio.folder("clip").appendingPathComponent("clip.mp4")
        try TestVideos.testsrc(clip, width: 320, height: 240, rate: "25", seconds: 40, audio: nil)
        try await Studio.test(server) { client in
            var projection = JobRequest(kind: .toonify, style: "shaded64-anime")
            (projection.upload, projection.steps) = (try await Studio.upload(client, try Studio.facePNG()).id, 5000)
            var video = JobRequest(kind: .stylize, style: "student")
            video.upload = try await Studio.upload(client, Array(try Data(contentsOf: clip))).id
            for long in [projection, video] {
                let job = try await Studio.submit(client, long)
                // Cancelled once it is inside the library call (its progress has moved), far from its end.
                let deadline = Date().addingTimeInterval(120)
                var progress = 0.0
                while progress == 0, Date() < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                    progress = try await client.execute(uri: "/api/jobs/\(job.id)", method: .get) { try Studio.decode(Job.self, $0) }.progress
                }
                #expect(progress > 0 && progress < 0.5, "\(long.kind): progress \(progress) when cancelled")
                try await client.execute(uri: "/api/jobs/\(job.id)", method: .delete) { #expect($0.status == .ok) }
                let cancelledAt = Date()
                let next = try await Studio.finish(client, try await Studio.submit(client, Self.quickGrid()), seconds: 60)
                #expect(next.status == .done)
                // The rest of the job would take minutes (5000 steps; 1000 frames of 320x240, about 3 min in a
                // debug build): it stopped at once.
                #expect(Date().timeIntervalSince(cancelledAt) < 30, "\(long.kind): the worker was held \(Date().timeIntervalSince(cancelledAt)) s")
                let results = try FileManager.default.contentsOfDirectory(atPath: server.settings.dataDirectory.appendingPathComponent("results").path)
                #expect(!results.contains { $0.hasPrefix(job.id) || $0.hasPrefix(".") }, "\(long.kind): \(results)")
                #expect(try await client.execute(uri: "/api/jobs/\(job.id)", method: .get) { try Studio.decode(Job.self, $0) }.status == .cancelled)
            }
        }
    }

    @Test("a full queue refuses new jobs with 503 and a line saying so")
    func fullQueue() async throws {
        let server = try Studio.server { $0.workers = 1; $0.maxQueuedJobs = 1 }
        try await Studio.test(server) { client in
            let running = try await Studio.submit(client, Self.longWalk())
            try await Task.sleep(for: .milliseconds(300))
            let waiting = try await Studio.submit(client, Self.quickGrid())
            try await client.execute(uri: "/api/jobs", method: .post, body: ByteBuffer(bytes: try JSONEncoder().encode(Self.quickGrid()))) { response throws in
                #expect(response.status == .serviceUnavailable)
                #expect(Studio.errorMessage(response) == "the queue is full (1 jobs waiting); try again later")
            }
            for job in [waiting, running] { try await client.execute(uri: "/api/jobs/\(job.id)", method: .delete) { _ in } }
        }
    }

    @Test("a restart keeps finished results and runs what was queued or running again; nothing is lost")
    func restart() async throws {
        let data = Studio.folder("restart")
        let finished: Job
        do {
            let first = try StudioServer(settings: StudioSettings(dataDirectory: data))
            finished = try first.queue.submit(Self.quickGrid("7"))
            let deadline = Date().addingTimeInterval(60)
            while try first.queue.job(finished.id)?.status != .done, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        }
        // What a process killed mid-queue leaves: one job marked running, two queued.
        let store = try JobStore(url: data.appendingPathComponent("studio.sqlite"))
        let left = [JobStatus.running, .queued, .queued].enumerated().map { i, status in
            let now = Date().timeIntervalSince1970 + Double(i)
            return Job(id: UUID().uuidString.lowercased(), request: Self.quickGrid("\(i)"), status: status, progress: 0.5, message: nil,
                       resultFile: nil, resultType: nil, created: now, updated: now)
        }
        for job in left { try store.save(job) }
        // Temporary files in ToonIO's naming (.NAME.partial-PID-N): one of a writer killed mid-write,
        // one of a writer still running (this process), and a video a killed upload left mid-probe.
        let dead = try Self.deadProcessID()
        let killed = ".\(left[0].id).png.partial-\(dead)-17", live = ".\(left[1].id).png.partial-\(getpid())-18"
        let probe = ".probe-\(dead)-\(UUID().uuidString.lowercased()).mp4"
        for name in [killed, live] { try Data("partial".utf8).write(to: data.appendingPathComponent("results/\(name)")) }
        try Data("video".utf8).write(to: data.appendingPathComponent("uploads/\(probe)"))
        let second = try StudioServer(settings: StudioSettings(dataDirectory: data))
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("uploads").path).isEmpty, "a dead run's probe is dropped")
        #expect(try second.resume() == 3)
        try await Studio.test(second) { client in
            for job in left { #expect(try await Studio.finish(client, job).status == .done) }
            let kept = try await Studio.result(client, try await client.execute(uri: "/api/jobs/\(finished.id)", method: .get) { try Studio.decode(Job.self, $0) })
            #expect(try Image.decode(kept).width == 64)
            let all = try await client.execute(uri: "/api/jobs", method: .get) { response throws in
                struct Body: Decodable { let jobs: [Job] }
                return try Studio.decode(Body.self, response).jobs
            }
            #expect(Set(all.map(\.id)) == Set(left.map(\.id) + [finished.id]) && all.allSatisfy { $0.status == .done })
        }
        let results = try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("results").path)
        #expect(!results.contains(killed), "a dead run's partial file is dropped")
        #expect(results.contains(live), "a running writer's temporary file is not touched")
    }

    /// The id of a process that has exited (and so was reaped).
    static func deadProcessID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }
}

@Suite("toon serve: model cache, sniffing, sizes", .computeFromEnvironment)
struct StudioPartsTests {
    @Test("the model cache keeps models within its budget and drops the least recently used first")
    func modelCache() throws {
        let cache = ModelCache(budget: 100)
        var loads: [String] = []
        let get = { (key: String, bytes: Int) in _ = try cache.value(key, as: String.self) { loads.append(key); return (key, bytes) } }
        try get("a", 40)
        try get("b", 40)
        try get("a", 40)
        #expect(cache.keys == ["b", "a"] && loads == ["a", "b"])
        try get("c", 40)
        #expect(cache.keys == ["a", "c"] && cache.heldBytes == 80, "b was the least recently used")
        try get("huge", 101)
        #expect(cache.keys == ["a", "c"], "a model over the whole budget is used but not kept")
        try get("b", 40)
        #expect(loads == ["a", "b", "c", "huge", "b"])
    }

    @Test("upload kinds come from the first bytes only", arguments: [
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0], UploadKind.png),
        ([0xFF, 0xD8, 0xFF, 0xE0], .jpeg),
        ([0, 0, 0, 0x20] + Array("ftypisom".utf8), .mp4),
        ([0x1A, 0x45, 0xDF, 0xA3, 1], .matroska),
        (Array("GIF89a".utf8), nil),
        ([0x89, 0x50, 0x4E], nil),
    ] as [([UInt8], UploadKind?)])
    func sniff(bytes: [UInt8], kind: UploadKind?) {
        #expect(UploadKind.sniff(bytes) == kind)
    }

    @Test("sizes for --memory-budget", arguments: [("2G", 2_000_000_000), ("512M", 512_000_000), ("1.5GB", 1_500_000_000), ("4096", 4096)] as [(String, Int)])
    func byteSizes(text: String, bytes: Int) {
        #expect(ByteSize.parse(text) == bytes)
    }

    @Test("sizes that are not", arguments: ["", "G", "-1G", "lots", "1e30"])
    func badByteSizes(text: String) {
        #expect(ByteSize.parse(text) == nil)
    }
}
#endif
