#if Studio
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import HummingbirdTesting
import Testing
import ToonIO
@testable import ToonServer
import ToonTestSupport

/// A load on loopback, bounded in count and time, and a crash in the middle of a queue. The figures
/// they print are the ones docs/serve.md records.
@Suite("toon serve: load and restart on loopback", .serialized, .computeFromEnvironment)
struct StudioLoadTests {
    static let clients = 8
    static let seconds = 6.0

    @Test("8 clients upload photos and queue stylize jobs for 6 s: every request answered, every job finished or refused with 429/503, memory bounded",
          .timeLimit(.minutes(5)))
    func concurrentUploads() async throws {
        let server = try Studio.server { $0.workers = 2; $0.maxQueuedJobs = 16; $0.writesPerMinute = 240 }
        let app = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let photo = try Studio.facePNG()
        let rssBefore = Self.memory("VmRSS")
        try await app.test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let started = Date()
            let tally = Tally()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<Self.clients {
                    group.addTask {
                        // Each client sends at least once: on a loaded machine a task may first run after the window.
                        repeat {
                            let (status, body) = try await HTTP.send("POST", base + "/api/uploads", body: Data(photo))
                            guard status == 201 else {
                                tally.refused(status, body)
                                if status == 429 { try await Task.sleep(for: .milliseconds(200)) }
                                continue
                            }
                            let upload = try JSONDecoder().decode(Upload.self, from: body)
                            var request = JobRequest(kind: .stylize, style: "student")
                            (request.upload, request.degree) = (upload.id, 0.75)
                            let (jobStatus, jobBody) = try await HTTP.send("POST", base + "/api/jobs", body: try JSONEncoder().encode(request))
                            if jobStatus == 202 {
                                tally.accepted(try JSONDecoder().decode(Job.self, from: jobBody).id)
                            } else {
                                tally.refused(jobStatus, jobBody)
                                try await Task.sleep(for: .milliseconds(200))
                            }
                        } while Date().timeIntervalSince(started) < Self.seconds
                    }
                }
                try await group.waitForAll()
            }
            let loadSeconds = Date().timeIntervalSince(started)
            let deadline = Date().addingTimeInterval(180)
            var final: [Job] = []
            repeat {
                try await Task.sleep(for: .milliseconds(200))
                let (_, body) = try await HTTP.send("GET", base + "/api/jobs")
                struct Body: Decodable { let jobs: [Job] }
                final = try JSONDecoder().decode(Body.self, from: body).jobs
            } while final.contains { !$0.status.isFinal } && Date() < deadline
            let drained = Date().timeIntervalSince(started)
            let (accepted, refusals, badRefusals) = tally.snapshot()
            #expect(Set(final.map(\.id)) == Set(accepted), "every accepted job is listed, nothing else")
            #expect(final.allSatisfy { $0.status == .done }, "\(final.filter { $0.status != .done }.map { "\($0.status): \($0.message ?? "")" })")
            #expect(badRefusals.isEmpty, "refusals without a 429/503 and a JSON line: \(badRefusals)")
            #expect(!accepted.isEmpty)
            let peak = Self.memory("VmHWM"), rssAfter = Self.memory("VmRSS")
            #expect(rssAfter - rssBefore < 1_500_000_000, "resident memory grew by \(rssAfter - rssBefore) bytes")
            print(String(format: "toon serve load: %d clients for %.1f s: %d jobs accepted and done (%.1f jobs/s incl. draining in %.1f s), refused %@; RSS %.0f -> %.0f MB, peak %.0f MB",
                         Self.clients, loadSeconds, accepted.count, Double(accepted.count) / drained, drained,
                         refusals.map { "\($0.value)x\($0.key)" }.sorted().joined(separator: ", "), Double(rssBefore) / 1e6, Double(rssAfter) / 1e6, Double(peak) / 1e6))
        }
    }

    @Test("toon serve killed (SIGKILL) in the middle of a queue: after a restart every job is done and every result is there",
          .enabled(if: ToonCLI.available, "the toon executable is not built"), .timeLimit(.minutes(5)))
    func crashMidQueue() async throws {
        let data = Studio.folder("crash")
        let started = Date()
        var first = try ServeProcess(data: data)
        var ids: [String] = []
        for i in 0..<6 {
            var request = JobRequest(kind: .interpolate, style: "anime64")
            (request.seeds, request.frames) = ("\(i),\(i + 1)", 12)
            let (status, body) = try await HTTP.send("POST", first.base + "/api/jobs", body: try JSONEncoder().encode(request))
            #expect(status == 202)
            ids.append(try JSONDecoder().decode(Job.self, from: body).id)
        }
        // Killed once the first job is done and others wait: no chance to tidy up.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let (_, body) = try await HTTP.send("GET", first.base + "/api/jobs/\(ids[0])")
            if try JSONDecoder().decode(Job.self, from: body).status == .done { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        first.kill()
        let killed = Date()
        let second = try ServeProcess(data: data)
        defer { second.stop() }
        var statuses: [JobStatus] = []
        let end = Date().addingTimeInterval(180)
        repeat {
            try await Task.sleep(for: .milliseconds(200))
            statuses = try await ids.asyncMap { id in
                let (_, body) = try await HTTP.send("GET", second.base + "/api/jobs/\(id)")
                return try JSONDecoder().decode(Job.self, from: body).status
            }
        } while statuses.contains { !$0.isFinal } && Date() < end
        #expect(statuses == Array(repeating: .done, count: ids.count))
        for id in ids {
            let (status, body) = try await HTTP.send("GET", second.base + "/api/jobs/\(id)/result")
            #expect(status == 200 && body.starts(with: Array("GIF89a".utf8)), "job \(id)")
        }
        print(String(format: "toon serve crash: %d jobs, server killed %.1f s in, after the first finished; restarted, all %d done %.1f s after the kill",
                     ids.count, killed.timeIntervalSince(started), statuses.filter { $0 == .done }.count, Date().timeIntervalSince(killed)))
    }

    /// A line of /proc/self/status in bytes (Linux), else 0.
    static func memory(_ field: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
              let kB = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kB * 1024
    }
}

/// What the load test's clients saw.
final class Tally: @unchecked Sendable {
    private var ids: [String] = []
    private var refusals: [Int: Int] = [:]
    private var bad: [String] = []
    private let lock = NSLock()

    func accepted(_ id: String) { lock.withLock { ids.append(id) } }

    func refused(_ status: Int, _ body: Data) {
        let clear = (status == 429 || status == 503) && (try? JSONDecoder().decode(ErrorBody.self, from: body)) != nil
        lock.withLock {
            refusals[status, default: 0] += 1
            if !clear { bad.append("\(status): \(String(decoding: body, as: UTF8.self))") }
        }
    }

    func snapshot() -> ([String], [Int: Int], [String]) { lock.withLock { (ids, refusals, bad) } }
}

/// Plain HTTP/1.1 requests through URLSession (a client apart from the server under test).
enum HTTP {
    static let session = URLSession(configuration: .ephemeral)

    static func send(_ method: String, _ url: String, body: Data? = nil) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = 60
        return try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let error { continuation.resume(throwing: error); return }
                continuation.resume(returning: ((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data()))
            }.resume()
        }
    }
}

/// `toon serve` as a child process on a free loopback port.
struct ServeProcess {
    let process = Process()
    let base: String

    init(data: URL) throws {
        let out = data.appendingPathComponent("serve-\(UUID().uuidString.prefix(6)).log")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        process.executableURL = ToonCLI.executable
        process.arguments = ["serve", "--port", "0", "--data", data.path, "--workers", "1"]
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        var found: String?
        while found == nil && Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
            let text = String(decoding: (try? Data(contentsOf: out)) ?? Data(), as: UTF8.self)
            found = text.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression).map { String(text[$0]) }
        }
        guard let found else { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "toon serve did not say its port"]) }
        base = found
    }

    mutating func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
#endif
