import CMPI
import Foundation

/// The ranks of an Open MPI job this process belongs to, when `mpirun` started it. Open MPI is loaded
/// at run time, so ToonKit needs it only where a job runs; one process alone is a world of one and
/// never touches MPI. Collective calls must be made by every rank in the same order.
public final class MPIWorld: @unchecked Sendable {
    /// This process's rank, 0 ..< size.
    public let rank: Int
    /// Ranks in the job.
    public let size: Int
    /// Ranks on this machine (Open MPI's local size), to share its cores.
    public let localSize: Int
    private let lock = NSLock()

    private init(rank: Int, size: Int, localSize: Int) {
        self.rank = rank
        self.size = size
        self.localSize = localSize
    }

    /// The library tried when `TOONKIT_MPI_LIBRARY` names none: Debian's Open MPI 4 (openmpi-bin).
    public static let defaultLibrary = "libmpi.so.40"

    /// Whether Open MPI's launcher started this process (it sets OMPI_COMM_WORLD_SIZE).
    public static func isLaunched(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        environment["OMPI_COMM_WORLD_SIZE"] != nil
    }

    /// Joins the job when `mpirun` started this process (nil otherwise): loads Open MPI from
    /// `TOONKIT_MPI_LIBRARY` or `defaultLibrary` and initialises it. Call once, before any other thread
    /// uses MPI.
    public static func joinIfLaunched(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(ClusterError) -> MPIWorld? {
        guard isLaunched(environment) else { return nil }
        let library = environment["TOONKIT_MPI_LIBRARY"] ?? defaultLibrary
        var message = [CChar](repeating: 0, count: 512)
        guard toon_mpi_open(library, &message, message.count) == 0 else {
            throw ClusterError("started by mpirun, but Open MPI cannot be loaded: \(text(message)) (Debian: apt-get install openmpi-bin; or set TOONKIT_MPI_LIBRARY)")
        }
        try check(toon_mpi_init(), "MPI_Init_thread")
        let localSize = environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init) ?? 1
        return MPIWorld(rank: Int(toon_mpi_rank()), size: Int(toon_mpi_size()), localSize: max(1, localSize))
    }

    /// Whether this rank writes the job's files and reports progress.
    public var isRoot: Bool { rank == 0 }

    /// Each element summed across every rank, in place (every rank gets the same sums).
    public func sum(_ values: inout [Float]) throws(ClusterError) {
        let code = locked { values.withUnsafeMutableBufferPointer { toon_mpi_sum_floats($0.baseAddress, $0.count) } }
        try Self.check(code, "MPI_Allreduce")
    }

    /// Double-precision `sum`.
    public func sum(_ values: inout [Double]) throws(ClusterError) {
        let code = locked { values.withUnsafeMutableBufferPointer { toon_mpi_sum_doubles($0.baseAddress, $0.count) } }
        try Self.check(code, "MPI_Allreduce")
    }

    /// Sends `values` to rank `destination`; returns once they are on their way.
    public func send(_ values: [Float], to destination: Int, tag: Int = 0) throws(ClusterError) {
        let code = locked { values.withUnsafeBufferPointer { toon_mpi_send_floats($0.baseAddress, $0.count, Int32(destination), Int32(tag)) } }
        try Self.check(code, "MPI_Send to rank \(destination)")
    }

    /// Receives exactly `count` floats from rank `source` (messages from one rank arrive in the order sent).
    public func receive(_ count: Int, from source: Int, tag: Int = 0) throws(ClusterError) -> [Float] {
        var values = [Float](repeating: 0, count: count)
        let code = locked { values.withUnsafeMutableBufferPointer { toon_mpi_receive_floats($0.baseAddress, count, Int32(source), Int32(tag)) } }
        try Self.check(code, "MPI_Recv from rank \(source)")
        return values
    }

    /// Rank `root`'s bytes on every rank.
    public func broadcast(_ bytes: inout [UInt8], from root: Int = 0) throws(ClusterError) {
        let code = locked { bytes.withUnsafeMutableBytes { toon_mpi_broadcast($0.baseAddress, $0.count, Int32(root)) } }
        try Self.check(code, "MPI_Bcast")
    }

    /// Waits until every rank gets here.
    public func barrier() throws(ClusterError) {
        try Self.check(locked { toon_mpi_barrier() }, "MPI_Barrier")
    }

    /// Ends the whole job: mpirun stops every rank and names the one that aborted.
    public func abort(code: Int32 = 1) -> Never {
        toon_mpi_abort(code)
        exit(code)
    }

    /// Leaves the job; call once at the end, on every rank.
    public func finish() {
        _ = locked { toon_mpi_finalize() }
    }

    /// One thread at a time in MPI (the level this process asked for).
    private func locked<R>(_ body: () -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// A C string buffer's text, up to its terminating zero.
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func check(_ code: Int32, _ call: String) throws(ClusterError) {
        guard code != 0 else { return }
        var text = [CChar](repeating: 0, count: 512)
        toon_mpi_error_text(code, &text, text.count)
        throw ClusterError("\(call) failed: \(MPIWorld.text(text))")
    }
}

/// A failure of the MPI job: loading Open MPI or a collective call.
public struct ClusterError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }
}
