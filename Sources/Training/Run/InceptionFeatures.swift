import Metrics
import StyleGAN
import ToonCore

/// Inception features (pytorch-fid's network) of a generator's images and of a dataset, for FID and
/// KID: [count * 2048] row by row.
public enum InceptionFeatures {
    /// Fakes 0..<count (`MetricFakes`: a conditional generator's labels come from `labelData`),
    /// quantised to 8 bits as NVLabs saves them. `progress` gets images done.
    public static func generated(by generator: Generator, count: Int, network: FIDInception, labelData: any TrainingImages,
                                 progress: (Int) -> Void = { _ in }) -> [Float] {
        var out: [Float] = []
        for start in stride(from: 0, to: count, by: FIDInception.batchSize) {
            let indices = start..<min(start + FIDInception.batchSize, count)
            out += network.features(FIDInception.input(signed: MetricFakes.images(of: generator, indices, labelData: labelData))).scalars
            progress(indices.upperBound)
        }
        return out
    }

    /// The first `count` images of `data` (its 8-bit codes, exactly). `progress` gets images done.
    public static func reals(_ data: any TrainingImages, count: Int, network: FIDInception,
                             progress: (Int) -> Void = { _ in }) -> [Float] {
        var out: [Float] = []
        for start in stride(from: 0, to: count, by: FIDInception.batchSize) {
            let indices = Array(start..<min(start + FIDInception.batchSize, count))
            let batch = data.batch(indices, mirrored: indices.map { _ in false })
            out += network.features(FIDInception.input(signed: batch)).scalars
            progress(start + indices.count)
        }
        return out
    }
}
