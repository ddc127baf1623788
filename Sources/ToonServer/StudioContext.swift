#if Studio
import Hummingbird
import NIOCore

/// The request context: Hummingbird's core storage and the peer's address, for rate limits.
public struct StudioContext: RequestContext, RemoteAddressRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The connected client, when known.
    public let remoteAddress: SocketAddress?

    /// A context for a request on `source`'s connection.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
#endif
