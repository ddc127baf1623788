import Cluster
import Foundation
import ToonCore

/// The Open MPI job this toon belongs to when mpirun started it (docs/distributed.md); nil for a
/// process on its own, which never loads MPI.
enum ClusterJob {
    /// Joined on first use, which `Toon.main` makes before any command runs.
    static let world: MPIWorld? = {
        do { return try MPIWorld.joinIfLaunched() } catch {
            FileHandle.standardError.write(Data("toon: \(error)\n".utf8))
            exit(1)
        }
    }()

    /// Whether this process writes files and reports (rank 0, or no job).
    static var isRoot: Bool { world?.isRoot ?? true }

    /// `configuration` with the machine's cores shared among the job's ranks on it, unless
    /// TOONKIT_THREADS chose a count.
    static func sharingCores(_ configuration: ComputeConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> ComputeConfiguration {
        guard let world, world.localSize > 1, environment["TOONKIT_THREADS"] == nil else { return configuration }
        var shared = configuration
        shared.threads = max(1, ComputeConfiguration.processorCount / world.localSize)
        return shared
    }

    /// "rank r: " inside a job of several ranks, else nothing.
    static var rankPrefix: String {
        guard let world, world.size > 1 else { return "" }
        return "rank \(world.rank): "
    }

    /// After a failure: ends every rank of the job (a rank waiting on this one would wait forever).
    static func abortIfRunning(code: Int32) {
        guard let world, world.size > 1 else { return }
        world.abort(code: code)
    }
}
