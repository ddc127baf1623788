import Datasets
import Foundation
import Stylizer
import ToonCore
import ToonIO

// The stylizer suite's training half: one distillation step of the default student (L1, MS-SSIM
// and the temporal loss, forward, backward and Adam) on random smooth pairs, per resolution and
// batch; Benchmarks/peers/torch_student.py times the same step written in PyTorch.

func distillSteps(_ options: Options) -> [Row] {
    options.resolutions.flatMap { side in
        options.batches.map { batch in
            let pairs = randomPairs(side: side, count: max(batch, 8))
            var settings = DistillSettings()
            settings.batchSize = batch
            var distiller = Distiller(pairs: pairs, trainingPairs: 0..<pairs.count, config: StudentConfig(), settings: settings)
            return measure("distill step \(side) b\(batch)", flops: 0, runs: options.runs) { _ = distiller.takeStep() }
        }
    }
}

/// `count` pairs of smooth random colour fields (the cartoon: channels swapped), through a zip as
/// `toon pairs` writes one.
private func randomPairs(side: Int, count: Int) -> PairedDataset {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("toon-bench-pairs-\(UUID().uuidString).zip")
    defer { try? FileManager.default.removeItem(at: url) }
    try! PairedDataset.write(to: url, count: count, teacher: ["bench": "random"]) { index throws(ToonIOError) in
        let coarse = Tensor.randomUniform(shape: [1, 3, 8, 8], in: 0..<1, seed: UInt32(index))
        let real = coarse.resized(height: side, width: side, mode: .bilinear)
        let toon = Tensor.concatenate([real.slice(axis: 1, 2..<3), real.slice(axis: 1, 0..<2)], axis: 1)
        return ImagePair(real: try Image(tensor: real, range: 0...1), toon: try Image(tensor: toon, range: 0...1), degree: 1)
    }
    return try! PairedDataset(contentsOf: url)
}
