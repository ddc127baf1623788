import ArgumentParser
import Datasets
import Foundation
import ToonMetrics
import Training

/// `toon metrics --metric ppl`: NVLabs' perceptual path length of a generator, with LPIPS-VGG16.
extension MetricsCommand {
    /// Paths when `--num` is not given: NVLabs' 50,000.
    static let pplDefaultCount = 50_000

    func perceptualPathLength(vgg16: String, lpipsWeights: String) throws {
        var plan = RunPlan()
        try network.register(in: &plan)
        try plan.read(vgg16)
        try plan.read(lpipsWeights)
        if let data { try plan.readDataset(data) }
        let lpips = try LPIPS.load(vgg16: URL(fileURLWithPath: vgg16), linear: URL(fileURLWithPath: lpipsWeights))
        let generator = try network.load()
        var labelData: (any TrainingImages)?
        if generator.config.cDim > 0 {
            guard let data else {
                throw UsageProblem("\(network.displayName): the network is conditional; --data gives the labels its paths use")
            }
            let dataset = try ImageDataset(contentsOf: URL(fileURLWithPath: data))
            do { try MetricFakes.check(generator, data: dataset) } catch { throw UsageProblem("\(data): \(error)") }
            labelData = dataset
        }
        let resolution = generator.config.imageResolution
        if ppl.crop, resolution / 8 * 4 < 16 {
            throw UsageProblem("\(network.displayName): the face crop of \(resolution)px images is smaller than VGG16's 16px; use --ppl-no-crop")
        }
        let n = num ?? Self.pplDefaultCount
        let measure = PerceptualPathLength(lpips: lpips, space: ppl.space, sampling: ppl.sampling, crop: ppl.crop)
        let progress = ProgressLine("Measuring", total: n)
        let result = measure.evaluate(generator, count: n, seed: ppl.seed, labelData: labelData) { progress.update($0) }
        progress.clear()
        if json {
            print("{\"metric\": \"ppl\", \"value\": \(result.value), \"space\": \"\(ppl.space.rawValue)\", \"sampling\": \"\(ppl.sampling.rawValue)\", "
                + "\"crop\": \(ppl.crop), \"epsilon\": \(measure.epsilon), \"num\": \(result.count), \"seed\": \(ppl.seed)}")
        } else {
            print("ppl_\(ppl.space.rawValue)\(ppl.sampling.rawValue)\(ppl.crop ? "" : " (no crop)") \(String(format: "%.4f", result.value))")
        }
    }
}

/// The options of `--metric ppl`: NVLabs' ppl_wend by default.
struct PPLOptions: ParsableArguments {
    @Option(name: .customLong("ppl-space"), help: "ppl: w (lerp) or z (slerp).") var space: PerceptualPathLength.Space = .w
    @Option(name: .customLong("ppl-sampling"), help: "ppl: end (paths' ends) or full (any point).") var sampling: PerceptualPathLength.Sampling = .end
    @Flag(name: .customLong("ppl-no-crop"), help: "ppl: measure whole images, not NVLabs' face crop (ppl2_wend).") var noCrop = false
    @Option(name: .customLong("ppl-seed"), help: "ppl: seed of the paths and noise maps.") var seed: UInt32 = 0

    var crop: Bool { !noCrop }
}

extension PerceptualPathLength.Space: ExpressibleByArgument {}
extension PerceptualPathLength.Sampling: ExpressibleByArgument {}
