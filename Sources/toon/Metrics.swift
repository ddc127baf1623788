import ArgumentParser
import Foundation

/// `toon metrics`: how close images are: a generator or a folder to a set of reals (SWD), or image
/// pairs from two folders (SSIM, PSNR, MSE).
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Measure a generator or a folder against reals (SWD), or image pairs (SSIM, PSNR, MSE).",
        discussion: """
            swd: Karras et al.'s sliced Wasserstein distance on Laplacian-pyramid
            patches, x1000 per level (finest first) and their mean; lower is closer.
            It needs no pretrained network. With --network/--data, images are
            generated from seeds 0..N-1 without truncation and the reals are the
            dataset's first N; with --real/--fake, the first N images of each folder
            (square, one power-of-two size of 16px or more).

            ssim, psnr, mse: each image of --real against the image of the same
            relative path in --fake, as 8-bit RGB (data range 255), as scikit-image's
            skimage.metrics computes them; prints the mean over the pairs (--json:
            mean, min, max and count). SSIM is skimage's default (7x7 uniform window,
            sample covariance) or, with --ssim-variant wang, Wang et al.'s (Gaussian
            sigma 1.5, population covariance). PSNR is in dB and infinite for
            identical images: "inf" in text, the string "inf" in JSON.

            Examples:
              toon metrics --metric swd --network snapshot.safetensors --data anime64.zip
              toon metrics --metric swd --real photos64 --fake generated64
              toon metrics --metric ssim --real references --fake outputs --json
            """
    )

    enum Metric: String, ExpressibleByArgument, CaseIterable { case swd, ssim, psnr, mse }
    enum SSIMVariant: String, ExpressibleByArgument, CaseIterable { case skimage, wang }

    @Option(help: "The metric.") var metric: Metric = .swd
    @OptionGroup var network: NetworkOption
    @Option(help: ArgumentHelp("swd: dataset of reals, an NVLabs zip or a folder.", valueName: "path")) var data: String?
    @Option(help: ArgumentHelp("Folder of reference images.", valueName: "dir")) var real: String?
    @Option(help: ArgumentHelp("Folder of images to measure against --real.", valueName: "dir")) var fake: String?
    @Option(help: "swd: images from each side (default 2048).") var num: Int?
    @Option(name: .customLong("ssim-variant"), help: "ssim: skimage (default) or wang.") var ssimVariant: SSIMVariant?
    @Flag(help: "Print one JSON object instead of text.") var json = false

    func validate() throws {
        if let num, !(16...1_000_000).contains(num) { throw ValidationError("--num must be in 16...1000000, not \(num)") }
        if metric != .ssim, ssimVariant != nil { throw ValidationError("--ssim-variant goes with --metric ssim") }
        let folders = real != nil || fake != nil, generator = data != nil || network.network != nil
        if folders, real == nil || fake == nil { throw ValidationError("--real and --fake go together") }
        if metric == .swd {
            if folders && generator { throw ValidationError("--metric swd takes --network/--data or --real/--fake, not both") }
            if !folders && data == nil { throw ValidationError("--metric swd needs --data (and --network) or --real and --fake") }
        } else {
            if generator || num != nil { throw ValidationError("--metric \(metric.rawValue) compares --real and --fake; --network, --data and --num are for swd") }
            if !folders { throw ValidationError("--metric \(metric.rawValue) needs --real and --fake") }
        }
    }

    func run() throws {
        try reportingFailures {
            switch (metric, real, fake) {
            case (.swd, let real?, let fake?): try swdFolders(real: real, fake: fake)
            case (.swd, _, _): try swdGenerator()
            case (_, let real?, let fake?): try pairs(real: real, fake: fake)
            default: throw ValidationError("--metric \(metric.rawValue) needs --real and --fake")
            }
        }
    }
}
