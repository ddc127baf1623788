import ArgumentParser
import Datasets
import Foundation
import StyleGAN
import Training

/// `toon metrics`: how close a generator's images are to a dataset's.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Measure a generator against a dataset (sliced Wasserstein distance).",
        discussion: """
            swd: Karras et al.'s sliced Wasserstein distance on Laplacian-pyramid patches, x1000 per level
            (finest first) and their mean; lower is closer. It needs no pretrained network. Images are
            generated from seeds 0..N-1 without truncation, reals are the dataset's first N.

            Example:
              toon metrics --metric swd --network runs/00000-anime64-small/network-snapshot-000100.safetensors --data anime64.zip
            """
    )

    enum Metric: String, ExpressibleByArgument, CaseIterable { case swd }

    @Option(help: "The metric.") var metric: Metric = .swd
    @OptionGroup var network: NetworkOption
    @Option(help: ArgumentHelp("Dataset of reals: an NVLabs zip or a folder.", valueName: "path")) var data: String
    @Option(help: "Images from each side.") var num: Int = 2048
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    func validate() throws {
        guard (16...1_000_000).contains(num) else { throw ValidationError("--num must be in 16...1000000, not \(num)") }
    }

    func run() throws {
        try reportingFailures {
            let generator = try network.load()
            let dataset = try ImageDataset(contentsOf: URL(fileURLWithPath: data))
            guard dataset.resolution == generator.config.imageResolution else {
                throw UsageProblem("\(data): \(dataset.resolution)px images, the network makes \(generator.config.imageResolution)px")
            }
            guard dataset.resolution >= 16 else { throw UsageProblem("\(data): SWD needs images of 16px or more") }
            let n = min(num, dataset.count)
            let progress = ProgressLine("Measuring", total: 2 * n)
            let evaluation = SWDEvaluation(data: dataset, count: n) { progress.update($0) }
            let distances = evaluation.evaluate(generator) { progress.update(n + $0) }
            progress.clear()
            let levels = evaluation.levelResolutions
            if json {
                var fields = zip(levels, distances).map { "\"swd\($0.0)\": \(String(format: "%.4f", $0.1))" }
                fields.append("\"swd_mean\": \(String(format: "%.4f", distances.last!))")
                fields.append("\"num\": \(n)")
                print("{" + fields.joined(separator: ", ") + "}")
            } else {
                for (r, d) in zip(levels, distances) { print(String(format: "swd %4dpx  %8.3f", r, d)) }
                print(String(format: "swd mean    %8.3f", distances.last!))
            }
        }
    }
}
