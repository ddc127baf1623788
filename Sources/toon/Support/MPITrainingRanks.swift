import Cluster
import Foundation
import Training

/// Training's view of the MPI job (docs/distributed.md): sums are MPI all-reduces, timed and counted
/// so a run can say what the reduction cost. A failed all-reduce ends the job with its line, as every
/// other rank waits on this one.
final class MPITrainingRanks: TrainingRanks, @unchecked Sendable {
    let world: MPIWorld
    /// Floats summed and seconds spent in all-reduce so far (the training thread alone calls `sum`).
    private(set) var floatsReduced = 0
    private(set) var secondsReducing = 0.0

    init(_ world: MPIWorld) { self.world = world }

    var rank: Int { world.rank }
    var size: Int { world.size }

    func sum(_ values: inout [Float]) {
        let start = DispatchTime.now().uptimeNanoseconds
        do { try world.sum(&values) } catch { fail(error) }
        secondsReducing += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        floatsReduced += values.count
    }

    func gather(count: Int, _ piece: (Int) -> [Float]) -> [[Float]]? {
        do { return try ShardedWork.gather(count: count, world: world, piece) } catch { fail(error) }
    }

    /// Whether any rank asks to stop (every rank gets the same answer, so all stop after the same step).
    func anyRank(_ flag: Bool) -> Bool {
        var values: [Float] = [flag ? 1 : 0]
        do { try world.sum(&values) } catch { fail(error) }
        return values[0] > 0
    }

    /// Ends the job with this rank's line.
    private func fail(_ error: Error) -> Never {
        FileHandle.standardError.write(Data("toon: \(ClusterJob.rankPrefix)\(error)\n".utf8))
        world.abort()
    }
}
