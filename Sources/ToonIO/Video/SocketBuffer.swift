import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The send buffer of the sockets that carry raw frames to and from ffmpeg.
enum SocketBuffer {
    /// Asks the kernel to let `descriptor`'s sending side queue `frames` frames of `frameBytes` (at most
    /// 16 MB): with a whole frame queued, the writer of the socket goes on with its next frame instead of
    /// waiting for the reader to take the last bytes, so ffmpeg decodes or encodes while the student
    /// runs. The kernel caps the size (net.core.wmem_max on Linux); failure only leaves the default.
    static func enlarge(_ descriptor: Int32, frameBytes: Int, frames: Int = 2) {
        var size = Int32(clamping: Swift.min(frameBytes * frames, 16 << 20))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }
}
