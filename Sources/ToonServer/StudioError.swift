#if Studio
import Foundation
import Hummingbird

/// An API error: an HTTP status and one line saying what was wrong, sent as `{"error": {"message": ...}}`.
public struct StudioError: Error, HTTPResponseError, CustomStringConvertible {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// What was wrong, in one line.
    public let message: String

    /// An error with `status` and `message`.
    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    /// The message.
    public var description: String { message }

    /// The JSON response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(ErrorBody(error: .init(status: status.code, message: message)))
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The JSON of an error response.
struct ErrorBody: Codable {
    struct Detail: Codable { let status: Int; let message: String }
    let error: Detail
}
#endif
