import StyleGAN
import ToonCore

/// The ranks of a data-parallel job as training sees them (docs/distributed.md): which share this
/// process takes and a sum across every rank. The toon command adapts its MPI world to this, so
/// Training needs no MPI; a failed sum must end the job (every rank waits on every other).
public protocol TrainingRanks: AnyObject, Sendable {
    /// This process's rank, 0 ..< size.
    var rank: Int { get }
    /// Ranks in the job.
    var size: Int { get }
    /// Each element summed across every rank, in place, in an order that is the same at every call.
    func sum(_ values: inout [Float])
    /// Pieces 0..<count spread over the ranks (piece i on rank i mod size): rank 0 gets every piece's
    /// numbers in order, the others nil after sending theirs.
    func gather(count: Int, _ piece: (Int) -> [Float]) -> [[Float]]?
}

/// How a run is spread over ranks: with one rank (or none) every call here is the identity and the
/// run is the single-process run, bit for bit. With N ranks, sample i of every global batch belongs
/// to rank i mod N (strided, so the minibatch-stddev groups stay whole when N divides batch / group),
/// every random draw is made for the global batch and sliced, losses are shard means scaled by 1/N,
/// and gradients and statistics are summed across ranks before anything uses them.
public struct DataParallel: Sendable {
    /// The job's ranks; nil for a process alone.
    public let ranks: (any TrainingRanks)?
    /// Floats summed per all-reduce call (one bucket); `defaultBucketBytes` unless chosen.
    public let bucketFloats: Int
    /// The bucket size that summed 64 and 236 MB of gradients fastest on this machine's loopback
    /// (docs/distributed.md): 16 MiB.
    public static let defaultBucketBytes = 16 << 20

    /// A process alone.
    public static let single = DataParallel(ranks: nil)

    /// Every batch spread over `ranks` (nil: a process alone), gradients summed `bucketBytes` at a time.
    public init(ranks: (any TrainingRanks)?, bucketBytes: Int = DataParallel.defaultBucketBytes) {
        self.ranks = ranks
        bucketFloats = max(1, bucketBytes / 4)
    }

    /// Ranks sharing each batch (1 alone).
    public var size: Int { ranks?.size ?? 1 }
    /// Whether this process writes the run's files (rank 0, or alone).
    public var isRoot: Bool { (ranks?.rank ?? 0) == 0 }
    var isSharded: Bool { size > 1 }

    /// Why `options` cannot be split over these ranks, or nil when they can: every phase's batch must
    /// split evenly, and each share must keep D's minibatch-stddev groups whole.
    func problem(with options: TrainingOptions) -> String? {
        guard isSharded else { return nil }
        let n = size, batch = options.batch
        let group = min(options.discriminator.mbstdGroupSize, batch)
        guard batch % (n * max(group, 1)) == 0 else {
            return "batch \(batch) does not split over \(n) ranks keeping minibatch-stddev groups of \(group) whole (it must be a multiple of \(n * max(group, 1)))"
        }
        let plBatch = max(batch / options.plBatchShrink, 1)
        if options.plWeight > 0, plBatch % n != 0 {
            return "the path-length batch \(plBatch) (batch / \(options.plBatchShrink)) does not split over \(n) ranks"
        }
        return nil
    }

    /// This rank's rows of a global batch of `total` (all of them alone).
    func rows(_ total: Int) -> [Int] {
        guard let ranks, ranks.size > 1 else { return Array(0..<total) }
        return Array(stride(from: ranks.rank, to: total, by: ranks.size))
    }

    /// This rank's rows of a tensor drawn for the whole batch (the tensor itself alone).
    func share(_ tensor: Tensor) -> Tensor {
        isSharded ? tensor.rows(rows(tensor.shape[0])) : tensor
    }

    /// This rank's items of a global list (strided as `rows`).
    func share<T>(_ items: [T]) -> [T] {
        isSharded ? rows(items.count).map { items[$0] } : items
    }

    /// The noise of `.random(seed:)` for a global batch of `total`, this rank's rows of it.
    func noise(seed: UInt32, total: Int) -> NoiseMode {
        isSharded ? .randomRows(seed: seed, rows: rows(total), total: total) : .random(seed: seed)
    }

    /// A loss that is the mean over this rank's share, scaled so the ranks' gradients sum to the
    /// global batch's (shares are equal: 1/N; exact in binary for N a power of two).
    func scaled(_ shareMean: Tensor) -> Tensor {
        isSharded ? shareMean * (1 / Float(size)) : shareMean
    }

    /// `values` summed across ranks (unchanged alone).
    func sum(_ values: [Float]) -> [Float] {
        guard let ranks, isSharded else { return values }
        var summed = values
        ranks.sum(&summed)
        return summed
    }

    /// Independent pieces of work spread over the ranks: every piece's numbers in order on rank 0
    /// (and alone), nil on the other ranks.
    func gather(count: Int, _ piece: (Int) -> [Float]) -> [[Float]]? {
        guard let ranks, isSharded else { return (0..<count).map(piece) }
        return ranks.gather(count: count, piece)
    }

    /// Gradients summed across ranks, bucket by bucket in `order` (the store's parameter order, the
    /// same on every rank), with `extras` (statistics) summed in the last bucket. Alone: unchanged.
    func reduce(_ gradients: [String: Tensor], order: [String], extras: [Float] = []) -> (gradients: [String: Tensor], extras: [Float]) {
        guard isSharded else { return (gradients, extras) }
        let names = order.filter { gradients[$0] != nil }
        var reduced = gradients
        var bucket: [Float] = [], members: [(name: String, shape: [Int], count: Int)] = []
        func flush(_ last: Bool) -> [Float] {
            if last { bucket += extras }
            let summed = sum(bucket)
            var offset = 0
            for member in members {
                reduced[member.name] = Tensor(shape: member.shape, scalars: Array(summed[offset..<(offset + member.count)]))
                offset += member.count
            }
            bucket.removeAll(keepingCapacity: true)
            members.removeAll()
            return Array(summed[offset...])
        }
        for name in names {
            let g = gradients[name]!
            if !bucket.isEmpty && bucket.count + g.count > bucketFloats { _ = flush(false) }
            bucket += g.contiguous().scalars
            members.append((name, g.shape, g.count))
        }
        let summedExtras = flush(true)  // before `reduced` is read: the last bucket lands in it
        return (reduced, summedExtras)
    }
}
