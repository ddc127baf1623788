#if Studio
import Foundation
import Hummingbird

/// Per-client limits on requests that change something (POST, DELETE): a token bucket per client
/// address, refilled at `perMinute` a minute; past it, 429 with a Retry-After.
final class RateLimiter: @unchecked Sendable {
    private struct Bucket { var tokens: Double; var stamp: Double }
    private let perMinute: Double
    private var buckets: [String: Bucket] = [:]
    private let lock = NSLock()

    init(perMinute: Int) { self.perMinute = Double(max(1, perMinute)) }

    /// Takes one request's token for `client`; the seconds to wait when there is none.
    func take(_ client: String, now: Double = Date().timeIntervalSince1970) -> Double? {
        lock.withLock {
            if buckets.count > 10_000 { buckets = buckets.filter { now - $0.value.stamp < 60 } }
            var bucket = buckets[client] ?? Bucket(tokens: perMinute, stamp: now)
            bucket.tokens = min(perMinute, bucket.tokens + (now - bucket.stamp) * perMinute / 60)
            bucket.stamp = now
            defer { buckets[client] = bucket }
            guard bucket.tokens >= 1 else { return (1 - bucket.tokens) * 60 / perMinute }
            bucket.tokens -= 1
            return nil
        }
    }
}

/// Applies a `RateLimiter` to POST and DELETE requests.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = StudioContext
    let limiter: RateLimiter

    func handle(_ request: Request, context: StudioContext, next: (Request, StudioContext) async throws -> Response) async throws -> Response {
        guard request.method == .post || request.method == .delete else { return try await next(request, context) }
        let client = context.remoteAddress?.ipAddress ?? "local"
        if let wait = limiter.take(client) {
            var response = try StudioError(.tooManyRequests, String(format: "too many requests from %@; try again in %.0f s", client, wait.rounded(.up)))
                .response(from: request, context: context)
            response.headers[.retryAfter] = String(Int(wait.rounded(.up)))
            return response
        }
        return try await next(request, context)
    }
}
#endif
