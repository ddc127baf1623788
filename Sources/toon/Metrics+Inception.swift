import Cluster
import Datasets
import Foundation
import ToonMetrics
import Training

/// `toon metrics --metric fid|kid`: pytorch-fid's Inception features of a generator's images against
/// a dataset's, or of one folder against another.
extension MetricsCommand {
    /// Images a side when `--num` is not given, for --network/--data; folders default to all their images.
    static let inceptionDefaultCount = 10_000

    func inceptionGenerator(weights: String) throws {
        var plan = RunPlan()
        try network.register(in: &plan)
        try plan.readDataset(data!)
        try plan.read(weights)
        let inception = try FIDInception.load(from: URL(fileURLWithPath: weights))
        let generator = try network.load()
        let dataset = try ImageDataset(contentsOf: URL(fileURLWithPath: data!))
        do { try MetricFakes.check(generator, data: dataset) } catch { throw UsageProblem("\(data!): \(error)") }
        let n = min(num ?? Self.inceptionDefaultCount, dataset.count)
        guard n >= 2 else { throw MetricsError(file: data!, .tooFewImages(count: n, needed: 2)) }
        // Under mpirun the batches are spread over the ranks and rank 0 reports (docs/distributed.md).
        let batches = InceptionFeatures.batches(n)
        let progress = ProgressLine("Measuring", total: 2 * n)
        let imagesIn = { (done: Int) in min(done * FIDInception.batchSize, n) }
        let reals = try ShardedWork.gather(count: batches, world: ClusterJob.world, progress: { progress.update(imagesIn($0)) }) { batch in
            InceptionFeatures.reals(dataset, batch: batch, of: n, network: inception)
        }
        let fakes = try ShardedWork.gather(count: batches, world: ClusterJob.world, progress: { progress.update(n + imagesIn($0)) }) { batch in
            InceptionFeatures.generated(by: generator, batch: batch, of: n, network: inception, labelData: dataset)
        }
        progress.clear()
        guard let reals, let fakes else { return }
        reportInception(real: reals.flatMap { $0 }, fake: fakes.flatMap { $0 })
    }

    func inceptionFolders(real: String, fake: String, weights: String) throws {
        var plan = RunPlan()
        try plan.readFolder(real)
        try plan.readFolder(fake)
        try plan.read(weights)
        let inception = try FIDInception.load(from: URL(fileURLWithPath: weights))
        let realFiles = try FIDInception.imageFiles(in: URL(fileURLWithPath: real), limit: num)
        let fakeFiles = try FIDInception.imageFiles(in: URL(fileURLWithPath: fake), limit: num)
        for (folder, files) in [(real, realFiles), (fake, fakeFiles)] where files.count < 2 {
            throw MetricsError(file: folder, .tooFewImages(count: files.count, needed: 2))
        }
        let progress = ProgressLine("Measuring", total: realFiles.count + fakeFiles.count)
        let reals = try inception.features(files: realFiles) { progress.update($0) }
        let fakes = try inception.features(files: fakeFiles) { progress.update(realFiles.count + $0) }
        progress.clear()
        reportInception(real: reals, fake: fakes)
    }

    private func reportInception(real: [Float], fake: [Float]) {
        guard ClusterJob.isRoot else { return }  // folders are measured by every rank; one reports
        let d = FIDInception.dimensions
        let value = metric == .fid
            ? FrechetDistance.distance(FeatureStatistics(features: real, dimensions: d), FeatureStatistics(features: fake, dimensions: d))
            : KernelInceptionDistance.distance(real: real, fake: fake, dimensions: d)
        let (realCount, fakeCount) = (real.count / d, fake.count / d)
        if json {
            print("{\"metric\": \"\(metric.rawValue)\", \"value\": \(value), \"num_real\": \(realCount), \"num_fake\": \(fakeCount)}")
        } else {
            // Identical sets give rounding-level values either side of 0: no "-0.0000".
            let digits = metric == .fid ? 4 : 6
            let shown = abs(value) < 0.5 * pow(10, -Double(digits)) ? 0 : value
            print("\(metric.rawValue) \(String(format: "%.\(digits)f", shown))")
        }
    }
}
