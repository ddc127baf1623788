import StyleGAN
import ToonCore

/// The fakes a metric measures: image i is drawn from NumPy's z for seed i (no truncation, constant
/// noise), and from a conditional generator with the label of the data's image i (modulo its count),
/// so the fakes' classes follow the data's, as NVLabs' random draws from the dataset's labels do on
/// average, and every run measures the same fakes.
public enum MetricFakes {
    /// Throws unless `data` can label `generator`'s fakes (any data can for an unconditional one).
    public static func check(_ generator: Generator, data: any TrainingImages) throws(TrainingError) {
        let wanted = generator.config.cDim
        guard wanted == 0 || data.labelDimension == wanted else {
            throw .config("the network is conditional on \(wanted) labels, which its fakes take from the data's; the data has \(data.labelDimension == 0 ? "none" : "\(data.labelDimension)")")
        }
    }

    /// Fakes `indices` as [indices.count, channels, R, R] (see `check` for a conditional generator).
    static func images(of generator: Generator, _ indices: Range<Int>, labelData data: any TrainingImages) -> Tensor {
        let z = Latents.z(seeds: indices.map(UInt32.init), zDim: generator.config.zDim)
        guard generator.config.cDim > 0 else { return generator(z: z) }
        precondition(data.labelDimension == generator.config.cDim, "MetricFakes.check first")
        return generator(z: z, c: data.labels(indices.map { $0 % data.count }))
    }
}
