import Foundation
import ToonMetrics

/// `toon metrics --metric ssim|psnr|mse`: image pairs from two folders.
extension MetricsCommand {
    func pairs(real: String, fake: String) throws {
        let measure: PairMetric = switch metric {
        case .mse: .mse
        case .psnr: .psnr
        default: .ssim(ssimVariant == .wang ? .wang : .skimage)
        }
        var plan = RunPlan()
        try plan.readFolder(real)
        try plan.readFolder(fake)
        let pairs = try PairedFolders(real: URL(fileURLWithPath: real), fake: URL(fileURLWithPath: fake))
        let progress = ProgressLine("Comparing", total: pairs.names.count, unit: "pairs")
        let summary = try pairs.summary(of: measure) { progress.update($0) }
        progress.clear()
        if json {
            print(summary.json)
        } else {
            print("\(summary.metric) \(summary.mean.isFinite ? String(format: "%.6f", summary.mean) : "inf")")
        }
    }
}
