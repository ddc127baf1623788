import StyleGAN
import ToonCore

/// Class labels for the fakes a metric draws from a conditional generator: fake i takes the label of
/// the data's image i (modulo its count), so the fakes' classes follow the data's, as NVLabs' random
/// draws from the dataset's labels do on average, and every run measures the same fakes.
public enum MetricLabels {
    /// Throws unless `data` can label `generator`'s fakes (any data can for an unconditional one).
    public static func check(_ generator: Generator, data: any TrainingImages) throws(TrainingError) {
        let wanted = generator.config.cDim
        guard wanted == 0 || data.labelDimension == wanted else {
            throw .config("the network is conditional on \(wanted) labels, which its fakes take from the data's; the data has \(data.labelDimension == 0 ? "none" : "\(data.labelDimension)")")
        }
    }

    /// Labels [indices.count, cDim] for fakes `indices`, nil for an unconditional generator (see `check`).
    static func labels(for generator: Generator, fakes indices: [Int], from data: any TrainingImages) -> Tensor? {
        guard generator.config.cDim > 0 else { return nil }
        precondition(data.labelDimension == generator.config.cDim, "MetricLabels.check first")
        return data.labels(indices.map { $0 % data.count })
    }
}
