import ToonMetrics
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
        for batch in 0..<batches(count) {
            out += generated(by: generator, batch: batch, of: count, network: network, labelData: labelData)
            progress(batchRange(batch, of: count).upperBound)
        }
        return out
    }

    /// Batch `batch` of `generated(by:count:...)`: the same numbers, so batches can be spread over processes.
    public static func generated(by generator: Generator, batch: Int, of count: Int, network: FIDInception,
                                 labelData: any TrainingImages) -> [Float] {
        let images = MetricFakes.images(of: generator, batchRange(batch, of: count), labelData: labelData)
        return network.features(FIDInception.input(signed: images)).scalars
    }

    /// Batches of `FIDInception.batchSize` in `count` images.
    public static func batches(_ count: Int) -> Int { (count + FIDInception.batchSize - 1) / FIDInception.batchSize }

    static func batchRange(_ batch: Int, of count: Int) -> Range<Int> {
        (batch * FIDInception.batchSize)..<min((batch + 1) * FIDInception.batchSize, count)
    }

    /// The first `count` images of `data` (its 8-bit codes, exactly). `progress` gets images done.
    public static func reals(_ data: any TrainingImages, count: Int, network: FIDInception,
                             progress: (Int) -> Void = { _ in }) -> [Float] {
        var out: [Float] = []
        for batch in 0..<batches(count) {
            out += reals(data, batch: batch, of: count, network: network)
            progress(batchRange(batch, of: count).upperBound)
        }
        return out
    }

    /// Batch `batch` of `reals(_:count:...)`.
    public static func reals(_ data: any TrainingImages, batch: Int, of count: Int, network: FIDInception) -> [Float] {
        let indices = Array(batchRange(batch, of: count))
        return network.features(FIDInception.input(signed: data.batch(indices, mirrored: indices.map { _ in false }))).scalars
    }
}
