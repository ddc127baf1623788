import Datasets
import Foundation
import Training

/// `toon metrics --metric swd`: a generator against a dataset, or one folder against another.
extension MetricsCommand {
    func swdGenerator() throws {
        var plan = RunPlan()
        try network.register(in: &plan)
        try plan.readDataset(data!)
        let generator = try network.load()
        let dataset = try ImageDataset(contentsOf: URL(fileURLWithPath: data!))
        guard dataset.resolution == generator.config.imageResolution else {
            throw UsageProblem("\(data!): \(dataset.resolution)px images, the network makes \(generator.config.imageResolution)px")
        }
        try SWDEvaluation.check(resolution: dataset.resolution, source: URL(fileURLWithPath: data!))
        do { try MetricFakes.check(generator, data: dataset) } catch { throw UsageProblem("\(data!): \(error)") }
        let n = min(num ?? 2048, dataset.count)
        let progress = ProgressLine("Measuring", total: 2 * n)
        let evaluation = SWDEvaluation(data: dataset, count: n) { progress.update($0) }
        let distances = evaluation.evaluate(generator, labelData: dataset) { progress.update(n + $0) }
        progress.clear()
        report(levels: evaluation.levelResolutions, distances: distances, count: n)
    }

    func swdFolders(real: String, fake: String) throws {
        var plan = RunPlan()
        try plan.readDataset(real)
        try plan.readDataset(fake)
        let realURL = URL(fileURLWithPath: real), fakeURL = URL(fileURLWithPath: fake)
        let reals = try ImageDataset(contentsOf: realURL), fakes = try ImageDataset(contentsOf: fakeURL)
        try SWDEvaluation.check(resolution: reals.resolution, source: realURL)
        let n = min(num ?? 2048, reals.count)
        let progress = ProgressLine("Measuring", total: n + min(n, fakes.count))
        let evaluation = SWDEvaluation(data: reals, count: n) { progress.update($0) }
        let distances = try evaluation.evaluate(images: fakes, source: fakeURL) { progress.update(n + $0) }
        progress.clear()
        report(levels: evaluation.levelResolutions, distances: distances, count: n)
    }

    private func report(levels: [Int], distances: [Double], count: Int) {
        if json {
            var fields = zip(levels, distances).map { "\"swd\($0.0)\": \(String(format: "%.4f", $0.1))" }
            fields.append("\"swd_mean\": \(String(format: "%.4f", distances.last!))")
            fields.append("\"num\": \(count)")
            print("{" + fields.joined(separator: ", ") + "}")
        } else {
            for (r, d) in zip(levels, distances) { print(String(format: "swd %4dpx  %8.3f", r, d)) }
            print(String(format: "swd mean    %8.3f", distances.last!))
        }
    }
}
