import ToonMetrics
import StyleGAN
import ToonCore

/// The snapshot metrics with their batches of 16 spread over a data-parallel job's ranks (batch i on
/// rank i mod N, as ShardedWork spreads `toon metrics`): each batch is computed as one process
/// computes it, so rank 0 gathers one process's numbers exactly. Alone, these are the plain metrics.
extension SWDEvaluation {
    /// The reals' patches, gathered on rank 0; the other ranks keep none (they only compute their
    /// share of each snapshot's fakes, and never a distance).
    init(data: any TrainingImages, count: Int, parallel: DataParallel) {
        let count = min(count, data.count), swd = SlicedWasserstein(resolution: data.resolution)
        let pieces = parallel.gather(count: (count + 15) / 16) { batch in
            let indices = Array((batch * 16)..<min(batch * 16 + 16, count))
            var patches = swd.emptyDescriptors()
            swd.add(data.batch(indices, mirrored: indices.map { _ in false }), to: &patches, seed: UInt32(batch * 16))
            return Self.packed(patches)
        }
        self.init(count: count, swd: swd, reals: Self.unpacked(pieces ?? [], swd))
    }

    private init(count: Int, swd: SlicedWasserstein, reals: SlicedWasserstein.Descriptors) {
        self.count = count
        self.swd = swd
        self.reals = reals
    }

    /// `evaluate(_:labelData:)` on rank 0 with the fakes' batches spread over the ranks; nil elsewhere.
    func evaluate(_ generator: Generator, labelData: any TrainingImages, parallel: DataParallel) -> [Double]? {
        let pieces = parallel.gather(count: (count + 15) / 16) { batch in
            var patches = swd.emptyDescriptors()
            let indices = (batch * 16)..<min(batch * 16 + 16, count)
            swd.add(MetricFakes.images(of: generator, indices, labelData: labelData), to: &patches, seed: UInt32(batch * 16) &+ 0x8000_0000)
            return Self.packed(patches)
        }
        return pieces.map { swd.distances(reals, Self.unpacked($0, swd)) }
    }

    /// One batch's patches as floats: the image count, each level's length, then the levels.
    private static func packed(_ patches: SlicedWasserstein.Descriptors) -> [Float] {
        [Float(patches.count)] + patches.levels.map { Float($0.count) } + patches.levels.flatMap { $0 }
    }

    /// Batches' patches, in order, as one set (the batches' levels appended as `add` appends them).
    private static func unpacked(_ pieces: [[Float]], _ swd: SlicedWasserstein) -> SlicedWasserstein.Descriptors {
        var all = swd.emptyDescriptors()
        let levels = all.levels.count
        for piece in pieces {
            all.count += Int(piece[0])
            var offset = 1 + levels
            for level in 0..<levels {
                let length = Int(piece[1 + level])
                all.levels[level] += piece[offset..<(offset + length)]
                offset += length
            }
        }
        return all
    }
}

extension InceptionFeatures {
    /// `generated(by:count:...)` on rank 0 with the batches spread over the ranks; nil elsewhere.
    static func generated(by generator: Generator, count: Int, network: FIDInception, labelData: any TrainingImages,
                          parallel: DataParallel) -> [Float]? {
        parallel.gather(count: batches(count)) { generated(by: generator, batch: $0, of: count, network: network, labelData: labelData) }?
            .flatMap { $0 }
    }

    /// `reals(_:count:...)` on rank 0 with the batches spread over the ranks; nil elsewhere.
    static func reals(_ data: any TrainingImages, count: Int, network: FIDInception, parallel: DataParallel) -> [Float]? {
        parallel.gather(count: batches(count)) { reals(data, batch: $0, of: count, network: network) }?.flatMap { $0 }
    }
}
