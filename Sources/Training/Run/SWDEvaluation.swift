import Foundation
import ToonMetrics
import StyleGAN
import ToonCore

/// The sliced Wasserstein distance between a generator and a dataset: the reals' patches gathered
/// once, fakes from seeds 0..<count (NumPy's z for each seed, no truncation, constant noise).
public struct SWDEvaluation: Sendable {
    public let count: Int
    let swd: SlicedWasserstein
    let reals: SlicedWasserstein.Descriptors

    /// Gathers the first `count` images of `data` (all of them when fewer); `progress` gets images done.
    public init(data: any TrainingImages, count: Int, progress: (Int) -> Void = { _ in }) {
        self.count = min(count, data.count)
        swd = SlicedWasserstein(resolution: data.resolution)
        var reals = swd.emptyDescriptors()
        for start in stride(from: 0, to: self.count, by: 16) {
            let indices = Array(start..<min(start + 16, self.count))
            swd.add(data.batch(indices, mirrored: indices.map { _ in false }), to: &reals, seed: UInt32(start))
            progress(indices.last! + 1)
        }
        self.reals = reals
    }

    public var levelResolutions: [Int] { swd.levelResolutions }

    /// Distances x1000 per level (finest first), then their mean, for fakes 0..<count (`MetricFakes`:
    /// a conditional generator's labels come from `labelData`).
    public func evaluate(_ generator: Generator, labelData: any TrainingImages, progress: (Int) -> Void = { _ in }) -> [Double] {
        var fakes = swd.emptyDescriptors()
        for start in stride(from: 0, to: count, by: 16) {
            let indices = start..<min(start + 16, count)
            swd.add(MetricFakes.images(of: generator, indices, labelData: labelData), to: &fakes, seed: UInt32(start) &+ 0x8000_0000)
            progress(indices.upperBound)
        }
        return swd.distances(reals, fakes)
    }
}

extension SWDEvaluation {
    /// Throws unless SWD can measure images of `resolution` (a power of two, 16 or more); `source` is named.
    public static func check(resolution: Int, source: URL? = nil) throws(TrainingError) {
        guard resolution >= 16, resolution & (resolution - 1) == 0 else {
            throw TrainingError(url: source, .config("\(resolution)px images; SWD needs a power of two of 16 or more"))
        }
    }

    /// Distances x1000 per level, then their mean, between the gathered reals and the first `count`
    /// of `images` (another set of the same resolution, e.g. a folder of a model's outputs).
    public func evaluate(images: any TrainingImages, source: URL? = nil, progress: (Int) -> Void = { _ in }) throws(TrainingError) -> [Double] {
        guard images.resolution == swd.resolution else {
            throw TrainingError(url: source, .config("\(images.resolution)px images where the reals are \(swd.resolution)px"))
        }
        let n = Swift.min(count, images.count)
        var fakes = swd.emptyDescriptors()
        for start in stride(from: 0, to: n, by: 16) {
            let indices = Array(start..<Swift.min(start + 16, n))
            swd.add(images.batch(indices, mirrored: indices.map { _ in false }), to: &fakes, seed: UInt32(start) &+ 0x8000_0000)
            progress(indices.last! + 1)
        }
        return swd.distances(reals, fakes)
    }
}
