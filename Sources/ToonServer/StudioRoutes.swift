#if Studio
import Foundation
import Hummingbird
import NIOCore
import ToonIO

extension StudioServer {
    /// Every route: the page and its files, and the JSON API under /api (described by /api/openapi.json).
    public func router() -> Router<StudioContext> {
        let router = Router(context: StudioContext.self)
        router.add(middleware: RateLimitMiddleware(limiter: limiter))
        router.get("/") { _, _ in try Self.resource("index.html") }
        router.get("/studio.js") { _, _ in try Self.resource("studio.js") }
        router.get("/studio.css") { _, _ in try Self.resource("studio.css") }
        router.get("/api/openapi.json") { _, _ in try Self.resource("openapi.json") }
        router.get("/api/styles") { _, _ in try Self.json(["styles": self.catalog.styles]) }
        router.get("/api/styles/:id/thumbnail") { _, context in
            let id = try context.parameters.require("id")
            return Self.png(try await self.thumbnail(id))
        }
        router.post("/api/uploads") { request, context in try await self.upload(request, context: context) }
        router.get("/api/uploads/:id/preview") { request, context in
            let id = try context.parameters.require("id")
            guard let style = request.uri.queryParameters.get("style") else { throw StudioError(.badRequest, "style is required") }
            let degree = try Self.number(request, "degree"), mode = request.uri.queryParameters.get("mode")
            let work = self.work
            return Self.png(try await offPool { try work.stylizePreview(style: style, upload: id, degree: degree, mode: mode) })
        }
        router.post("/api/jobs") { request, context in
            let body: JobRequest
            let buffer: ByteBuffer
            do { buffer = try await request.body.collect(upTo: 65_536) } catch is NIOTooManyBytesError {
                throw StudioError(.contentTooLarge, "a job request is at most 65536 bytes")
            }
            do { body = try JSONDecoder().decode(JobRequest.self, from: Data(buffer.readableBytesView)) } catch {
                throw StudioError(.badRequest, "the body is not a job request: \(Self.decodingReason(error))")
            }
            let work = self.work
            try await offPool { try work.check(body) }
            return try Self.json(try self.queue.submit(body), status: .accepted)
        }
        router.get("/api/jobs") { _, _ in try Self.json(["jobs": try self.queue.all()]) }
        router.get("/api/jobs/:id") { _, context in try Self.json(try self.job(context)) }
        router.delete("/api/jobs/:id") { _, context in
            let job = try self.job(context)
            if job.status.isFinal { throw StudioError(.conflict, "job \(job.id) is already \(job.status.rawValue)") }
            return try Self.json(try self.queue.cancel(job.id) ?? job)
        }
        router.get("/api/jobs/:id/events") { _, context in self.events(try self.job(context).id) }
        router.get("/api/jobs/:id/result") { _, context in try self.result(try self.job(context)) }
        router.get("/api/jobs/:id/preview") { request, context in
            let job = try self.job(context)
            guard job.request.kind == .toonify else { throw StudioError(.badRequest, "previews are of toonify jobs; job \(job.id) is \(job.request.kind.rawValue)") }
            let degree = try Self.number(request, "degree") ?? 1
            let work = self.work
            return Self.png(try await offPool { try work.toonifyPreview(job, degree: degree) })
        }
        return router
    }

    // MARK: Handlers

    private func job(_ context: StudioContext) throws -> Job {
        let id = try context.parameters.require("id")
        guard StudioIDs.isValid(id), let job = try queue.job(id) else { throw StudioError(.notFound, "no job '\(id)'") }
        return job
    }

    private func upload(_ request: Request, context: StudioContext) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > settings.maxUploadBytes {
            throw StudioError(.contentTooLarge, "the upload is \(length) bytes; the limit is \(settings.maxUploadBytes)")
        }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: settings.maxUploadBytes) } catch is NIOTooManyBytesError {
            throw StudioError(.contentTooLarge, "the upload is over the limit of \(settings.maxUploadBytes) bytes")
        }
        let bytes = Array(buffer.readableBytesView), uploads = work.uploads
        return try Self.json(try await offPool { try uploads.store(bytes) }, status: .created)
    }

    private func result(_ job: Job) throws -> Response {
        guard job.status == .done, let file = job.resultFile, let type = job.resultType else {
            throw StudioError(.conflict, "job \(job.id) is \(job.status.rawValue); it has no result")
        }
        guard let data = try? Data(contentsOf: work.results.appendingPathComponent(file)) else {
            throw StudioError(.gone, "job \(job.id)'s result is no longer there")
        }
        let name = "toon-\(job.request.kind.rawValue)-\(job.id.prefix(8)).\(file.split(separator: ".").last ?? "bin")"
        return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\""],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Server-sent events: the job as JSON (`event: job`) each time it changes, until it is final.
    private func events(_ id: String) -> Response {
        let queue = self.queue
        let body = ResponseBody { writer in
            var last: Job?
            while let job = try queue.job(id) {
                if job != last {
                    let data = String(decoding: try JSONEncoder().encode(job), as: UTF8.self)
                    try await writer.write(ByteBuffer(string: "event: job\ndata: \(data)\n\n"))
                    last = job
                }
                if job.status.isFinal { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    private func thumbnail(_ id: String) async throws -> Image {
        guard let style = catalog.style(id) else { throw StudioError(.notFound, "no style '\(id)'") }
        let work = self.work, thumbnails = self.thumbnails
        return try await offPool { try thumbnails.image(for: style, work: work) }
    }

    // MARK: Responses

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    static func png(_ image: Image) -> Response {
        let data = (try? image.encoded(as: .png)) ?? []
        return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "no-store"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func resource(_ name: String) throws -> Response {
        guard let data = StudioResources.data(name), let type = StudioResources.files[name] else {
            throw StudioError(.internalServerError, "the page's file \(name) is not installed beside this toon")
        }
        return Response(status: .ok, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func number(_ request: Request, _ name: String) throws -> Double? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = Double(text), value.isFinite else { throw StudioError(.badRequest, "\(name) must be a number, not '\(text)'") }
        return value
    }

    static func decodingReason(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case DecodingError.dataCorrupted(let context):
            context.codingPath.isEmpty ? "not JSON" : "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)"
        default: "\(error)"
        }
    }
}
#endif
