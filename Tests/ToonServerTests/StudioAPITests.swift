#if Studio
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import ToonIO
@testable import ToonServer
import ToonTestSupport

@Suite("toon serve: the API's endpoints and errors", .computeFromEnvironment)
struct StudioAPITests {
    @Test("the style gallery lists the built-in models with their capabilities, and each has a 2x2 sample grid")
    func styles() async throws {
        let server = try Studio.server()
        try await Studio.test(server) { client in
            let styles = try await client.execute(uri: "/api/styles", method: .get) { response throws in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                struct Body: Decodable { let styles: [Style] }
                return try Studio.decode(Body.self, response).styles
            }
            let byID = Dictionary(uniqueKeysWithValues: styles.map { ($0.id, $0.capabilities) })
            #expect(byID["anime64"] == [.generate])
            #expect(byID["shaded64"] == [.generate])
            #expect(byID["shaded64-anime"] == [.generate, .toonify])
            #expect(byID["student"] == [.student])
            for id in ["anime64", "student"] {
                try await client.execute(uri: "/api/styles/\(id)/thumbnail", method: .get) { response throws in
                    #expect(response.status == .ok && response.headers[.contentType] == "image/png")
                    let image = try Image.decode(Array(response.body.readableBytesView))
                    #expect(image.width == 128 && image.height == 128, "2x2 cells of 64 px")
                }
            }
            try await client.execute(uri: "/api/styles/nope/thumbnail", method: .get) { response throws in
                #expect(response.status == .notFound)
                #expect(Studio.errorMessage(response) == "no style 'nope'")
            }
        }
    }

    @Test("the page, its script and style sheet, and an OpenAPI document naming every API route")
    func pageAndOpenAPI() async throws {
        let server = try Studio.server()
        try await Studio.test(server) { client in
            try await client.execute(uri: "/", method: .get) { response throws in
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: response.body).contains("<title>ToonKit studio</title>"))
            }
            try await client.execute(uri: "/studio.js", method: .get) { #expect(String(buffer: $0.body).contains("/api/jobs")) }
            try await client.execute(uri: "/studio.css", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/openapi.json", method: .get) { response throws in
                let document = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                #expect(document?["openapi"] as? String == "3.0.3")
                let paths = Set((document?["paths"] as? [String: Any] ?? [:]).keys)
                #expect(paths == ["/api/styles", "/api/styles/{id}/thumbnail", "/api/uploads", "/api/uploads/{id}/preview", "/api/jobs",
                                  "/api/jobs/{id}", "/api/jobs/{id}/events", "/api/jobs/{id}/result", "/api/jobs/{id}/preview", "/api/openapi.json"])
            }
            try await client.execute(uri: "/../Package.swift", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/index.html", method: .get) { #expect($0.status == .notFound, "only fixed names are served") }
        }
    }

    @Test("uploads are told from their bytes: PNG and JPEG taken, text, empty and truncated files refused with one line each")
    func uploads() async throws {
        let server = try Studio.server { $0.maxUploadBytes = 100_000 }
        let png = try Studio.facePNG()
        try await Studio.test(server) { client in
            let upload = try await Studio.upload(client, png)
            #expect(upload.kind == .png && upload.width == 64 && upload.height == 64 && upload.duration == nil)
            let jpeg = try await Studio.upload(client, try Image.decode(png).encoded(as: .jpeg(quality: 90)))
            #expect(jpeg.kind == .jpeg)
            let cases: [([UInt8], HTTPResponse.Status, String)] = [
                (Array("#!/bin/sh\necho hi\n".utf8), .unsupportedMediaType, "the upload is not a PNG, JPEG, MP4/MOV or WebM/MKV file (told from its bytes)"),
                ([], .badRequest, "the upload is empty"),
                (Array(png.prefix(200)), .unprocessableContent, "upload: truncated PNG"),
                ([UInt8](repeating: 7, count: 100_001), .contentTooLarge, "the upload is 100001 bytes; the limit is 100000"),
            ]
            for (bytes, status, message) in cases {
                try await client.execute(uri: "/api/uploads", method: .post, headers: [.contentType: "image/png"], body: ByteBuffer(bytes: bytes)) { response throws in
                    #expect(response.status == status)
                    #expect(Studio.errorMessage(response).hasPrefix(message), "\(Studio.errorMessage(response))")
                }
            }
            // A video ffprobe cannot read: its line names no temporary file, and the probe copy is gone.
            let broken = [0, 0, 0, 0x20] + Array("ftypisom".utf8) + [UInt8](repeating: 0x55, count: 500)
            try await client.execute(uri: "/api/uploads", method: .post, body: ByteBuffer(bytes: broken)) { response throws in
                #expect(response.status == .unprocessableContent)
                #expect(Studio.errorMessage(response).hasPrefix("upload: ") && !Studio.errorMessage(response).contains(".probe-"), "\(Studio.errorMessage(response))")
            }
            let stored = try FileManager.default.contentsOfDirectory(atPath: server.settings.dataDirectory.appendingPathComponent("uploads").path).sorted()
            #expect(stored == ["\(upload.id).png", "\(jpeg.id).jpg"].sorted(), "generated names only, nothing kept of refused uploads")
        }
    }

    @Test("job requests are checked before they are queued: each mistake is a 4xx with a line naming it")
    func jobErrors() async throws {
        let server = try Studio.server()
        try await Studio.test(server) { client in
            let video = try await Studio.upload(client, try Studio.facePNG())
            let cases: [(String, HTTPResponse.Status, String)] = [
                ("{", .badRequest, "the body is not a job request: not JSON"),
                (#"{"kind": "generate"}"#, .badRequest, "the body is not a job request: missing field 'style'"),
                (#"{"kind": "paint", "style": "anime64"}"#, .badRequest, "the body is not a job request: field 'kind'"),
                (#"{"kind": "generate", "style": "nope", "seeds": "1"}"#, .notFound, "no style 'nope'"),
                (#"{"kind": "generate", "style": "student", "seeds": "1"}"#, .badRequest, "style 'student' cannot generate"),
                (#"{"kind": "generate", "style": "anime64"}"#, .badRequest, "seeds is required"),
                (#"{"kind": "generate", "style": "anime64", "seeds": "3-1"}"#, .badRequest, "seeds '3-1': "),
                (#"{"kind": "generate", "style": "anime64", "seeds": "0-999"}"#, .badRequest, "seeds: 1 to 64 values, not 1000"),
                (#"{"kind": "toonify", "style": "anime64", "upload": "x"}"#, .badRequest, "style 'anime64' cannot toonify"),
                (#"{"kind": "toonify", "style": "shaded64-anime", "upload": "../../etc/passwd"}"#, .notFound, "no upload '../../etc/passwd'"),
                (#"{"kind": "stylize", "style": "student", "upload": "\#(video.id)", "degree": 2}"#, .badRequest, "degree must be in 0...1, not 2.0"),
                (#"{"kind": "interpolate", "style": "anime64", "seeds": "1,2", "format": "avi"}"#, .badRequest, "format must be gif or mp4"),
                (#"{"kind": "interpolate", "style": "anime64", "seeds": "1,2", "frames": 1}"#, .badRequest, "frames must be in 2...600, not 1"),
                (#"{"kind": "mix", "style": "anime64", "rows": "1"}"#, .badRequest, "cols is required"),
                (#"{"kind": "toonify", "style": "shaded64-anime", "upload": "\#(video.id)", "faces": "all"}"#, .badRequest, "faces must be detect or aligned, not 'all'"),
                (#"{"kind": "stylize", "style": "student", "upload": "\#(video.id)", "mode": "faces"}"#, .badRequest, "mode must be full-frame or face-only, not 'faces'"),
                (#"{"kind": "interpolate", "style": "anime64", "seeds": "1,2", "space": "s"}"#, .badRequest, "space must be w or z, not 's'"),
            ]
            for (body, status, message) in cases {
                try await client.execute(uri: "/api/jobs", method: .post, body: ByteBuffer(string: body)) { response throws in
                    #expect(response.status == status, "\(body)")
                    #expect(Studio.errorMessage(response).hasPrefix(message), "\(body): \(Studio.errorMessage(response))")
                }
            }
            for uri in ["/api/jobs/not-an-id", "/api/jobs/\(UUID().uuidString.lowercased())", "/api/jobs/\(UUID().uuidString.lowercased())/result"] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .notFound, "\(uri)") }
            }
            try await client.execute(uri: "/api/uploads/\(video.id)/preview", method: .get) { response throws in
                #expect(response.status == .badRequest && Studio.errorMessage(response) == "style is required")
            }
            try await client.execute(uri: "/api/uploads/\(video.id)/preview?style=student&degree=abc", method: .get) { response throws in
                #expect(response.status == .badRequest && Studio.errorMessage(response) == "degree must be a number, not 'abc'")
            }
            try await client.execute(uri: "/api/uploads/\(video.id)/preview?style=student&mode=all", method: .get) { response throws in
                #expect(response.status == .badRequest && Studio.errorMessage(response) == "mode must be full-frame or face-only, not 'all'")
            }
            try await client.execute(uri: "/api/jobs", method: .get) { response throws in
                #expect(String(buffer: response.body) == #"{"jobs":[]}"#, "no refused request became a job")
            }
        }
    }

    /// One write a minute, so the second write is refused however slowly a loaded machine runs the test
    /// (with 3 a minute, three writes taking over 20 s had earned a fourth token back).
    @Test("a client over its rate is refused with 429 and Retry-After; reads are not limited")
    func rateLimit() async throws {
        let server = try Studio.server { $0.writesPerMinute = 1 }
        try await Studio.test(server) { client in
            try await client.execute(uri: "/api/uploads", method: .post, body: ByteBuffer(bytes: [])) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/api/uploads", method: .post, body: ByteBuffer(bytes: [])) { response throws in
                #expect(response.status == .tooManyRequests)
                let wait = try #require(response.headers[.retryAfter].flatMap { Int($0) })
                #expect((1...60).contains(wait))
                #expect(Studio.errorMessage(response) == "too many requests from local; try again in \(wait) s")
            }
            for _ in 0..<5 { try await client.execute(uri: "/api/styles", method: .get) { #expect($0.status == .ok) } }
        }
    }

    @Test("the token bucket: a full minute's worth at first, one back every 60 / rate seconds, each client its own")
    func tokenBucket() {
        let limiter = RateLimiter(perMinute: 3)
        for _ in 0..<3 { #expect(limiter.take("a", now: 1000) == nil) }
        #expect(limiter.take("a", now: 1000) == 20)
        #expect(limiter.take("b", now: 1000) == nil)
        #expect(limiter.take("a", now: 1015) == 5)
        #expect(limiter.take("a", now: 1020) == nil)
        #expect(limiter.take("a", now: 1020) == 20)
        for _ in 0..<3 { #expect(limiter.take("a", now: 1200) == nil) }
        #expect(limiter.take("a", now: 1200) != nil, "the bucket holds at most a minute's worth")
    }
}

@Suite("toon serve: the --models folder", .computeFromEnvironment)
struct StudioModelsFolderTests {
    @Test("generators offer generate, B-S beside B is a toonify pair, students are students, anything else is skipped with a line")
    func modelsFolder() throws {
        let folder = Studio.folder("models")
        let weights = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/BuiltInModels/Weights")
        for (source, name) in [("shaded64", "face"), ("shaded64-anime", "face-anime"), ("anime64", "solo"), ("student-shaded64-anime", "my student")] {
            try FileManager.default.copyItem(at: weights.appendingPathComponent(source + ".safetensors"), to: folder.appendingPathComponent(name + ".safetensors"))
        }
        try Data("not weights".utf8).write(to: folder.appendingPathComponent("junk.pt"))
        try Data("ignored".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        let catalog = StyleCatalog.load(modelsDirectory: folder)
        let added = catalog.styles.filter { !$0.builtIn }
        #expect(added.map(\.id) == ["face", "face-anime", "solo", "my_student"])
        #expect(added.map(\.capabilities) == [[.generate], [.generate, .toonify], [.generate], [.student]])
        #expect(catalog.style("face-anime")?.baseFile?.lastPathComponent == "face.safetensors")
        #expect(catalog.skipped == ["junk.pt: neither a generator nor a student"])
    }
}
#endif
