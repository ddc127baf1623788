import ArgumentParser
import Foundation

/// `toon metrics`: how close images are: a generator or a folder to a set of reals (SWD, FID, KID),
/// image pairs from two folders (SSIM, PSNR, MSE), or how smooth a generator's latent space is (PPL).
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Measure a generator or a folder against reals (SWD, FID, KID), image pairs (SSIM, PSNR, MSE), a generator's path length (PPL), or a stylizer's flicker.",
        discussion: """
            swd: Karras et al.'s sliced Wasserstein distance on Laplacian-pyramid
            patches, x1000 per level (finest first) and their mean; lower is closer.
            It needs no pretrained network. With --network/--data, images are
            generated from seeds 0..N-1 without truncation and the reals are the
            dataset's first N; with --real/--fake, the first N images of each folder
            (square, one power-of-two size of 16px or more).

            fid, kid: pytorch-fid's Frechet Inception Distance and NVLabs' Kernel
            Inception Distance on pytorch-fid's Inception v3 features (2048-d pool),
            which need its weight file, pt_inception-2015-12-05-6726825d.pth, from
            github.com/mseitzer/pytorch-fid/releases/download/fid_weights/ (ToonKit
            downloads nothing), given as --inception. With --network/--data: seeds
            0..N-1 against the dataset's first N (N = --num, default 10000); with
            --real/--fake: the PNG and JPEG files of each folder, any sizes (all of
            them, or the first --num by path). KID: 100 subsets of up to 1000.

            ssim, psnr, mse: each image of --real against the image of the same
            relative path in --fake, as 8-bit RGB (data range 255), as scikit-image's
            skimage.metrics computes them; prints the mean over the pairs (--json:
            mean, min, max and count). SSIM is skimage's default (7x7 uniform window,
            sample covariance) or, with --ssim-variant wang, Wang et al.'s (Gaussian
            sigma 1.5, population covariance). PSNR is in dB and infinite for
            identical images: "inf" in text, the string "inf" in JSON.

            ppl: NVLabs' perceptual path length: LPIPS-VGG16 distance between images
            a step of 1e-4 apart on paths between random latents, / 1e-4^2, the
            mean between the 1st and 99th percentiles (default ppl_wend: W, path
            ends, face crop; --ppl-space z and --ppl-sampling full for the others,
            --ppl-no-crop for ppl2_wend). It needs torchvision's VGG16 weights,
            vgg16-397923af.pth (download.pytorch.org/models/), as --vgg16, and the
            lpips package's linear layers, weights/v0.1/vgg.pth inside its PyPI
            wheel, as --lpips. --num paths (default 50000), from --ppl-seed; a
            conditional network takes labels from --data.

            flicker: a still --photo panned --pan dx,dy pixels a frame makes a clip
            of --clip-frames square frames of --clip-size; each is stylized by the
            --model student in turn, and consecutive outputs are compared after
            undoing the pan (mean absolute difference in 8-bit levels over the part
            both show; 0 for a stylizer that moves with the camera). Printed for full
            frame, beside a frozen output (the first frame's, every frame) for scale,
            and with --flicker-faces for face-only mode with and without smoothing;
            --flicker-teacher adds the teacher (--teacher-base/--teacher-styled, default
            the built-in pair) projecting and drawing every frame's face, beside the
            student on the same faces.

            Examples:
              toon metrics --metric swd --network snapshot.safetensors --data anime64.zip
              toon metrics --metric swd --real photos64 --fake generated64
              toon metrics --metric fid --real photos --fake fakes --inception fid.pth
              toon metrics --metric ssim --real references --fake outputs --json
              toon metrics --metric ppl --network snapshot.safetensors \\
                  --vgg16 vgg16-397923af.pth --lpips vgg.pth
              toon metrics --metric flicker --model student.safetensors --photo face.jpg
            """
    )

    enum Metric: String, ExpressibleByArgument, CaseIterable {
        case swd, fid, kid, ssim, psnr, mse, ppl, flicker

        /// Whether it measures a set against a set (a generator or folder against reals).
        var comparesSets: Bool { self == .swd || self == .fid || self == .kid }
    }
    enum SSIMVariant: String, ExpressibleByArgument, CaseIterable { case skimage, wang }

    @Option(help: "The metric.") var metric: Metric = .swd
    @OptionGroup var network: NetworkOption
    @Option(help: ArgumentHelp("swd, fid, kid: dataset of reals, an NVLabs zip or a folder.", valueName: "path")) var data: String?
    @Option(help: ArgumentHelp("Folder of reference images.", valueName: "dir")) var real: String?
    @Option(help: ArgumentHelp("Folder of images to measure against --real.", valueName: "dir")) var fake: String?
    @Option(help: "swd, fid, kid: images from each side (swd: 2048; fid, kid: 10000 from a network, all of a folder); ppl: paths (50000).") var num: Int?
    @Option(help: ArgumentHelp("fid, kid: pytorch-fid's Inception weights, pt_inception-2015-12-05-6726825d.pth.", valueName: "file"),
            completion: .file(extensions: ["pth"])) var inception: String?
    @Option(name: .customLong("ssim-variant"), help: "ssim: skimage (default) or wang.") var ssimVariant: SSIMVariant?
    @Option(help: ArgumentHelp("ppl: torchvision's VGG16 weights, vgg16-397923af.pth.", valueName: "file"),
            completion: .file(extensions: ["pth"])) var vgg16: String?
    @Option(help: ArgumentHelp("ppl: the lpips package's VGG linear weights, weights/v0.1/vgg.pth.", valueName: "file"),
            completion: .file(extensions: ["pth"])) var lpips: String?
    @OptionGroup var ppl: PPLOptions
    @OptionGroup var flicker: FlickerOptions
    @Flag(help: "Print one JSON object instead of text.") var json = false

    func validate() throws {
        let fewest = metric == .swd ? 16 : metric == .ppl ? 1 : 2
        if let num, !(fewest...1_000_000).contains(num) { throw ValidationError("--num must be in \(fewest)...1000000, not \(num)") }
        if metric == .fid || metric == .kid, inception == nil {
            throw ValidationError("--metric \(metric.rawValue) needs --inception FILE (pytorch-fid's pt_inception-2015-12-05-6726825d.pth)")
        }
        if metric != .fid && metric != .kid, inception != nil { throw ValidationError("--inception goes with --metric fid or kid") }
        if metric != .ssim, ssimVariant != nil { throw ValidationError("--ssim-variant goes with --metric ssim") }
        try validatePPL()
        try validateFlicker()
        if metric == .ppl || metric == .flicker { return }
        let folders = real != nil || fake != nil, generator = data != nil || network.network != nil
        if folders, real == nil || fake == nil { throw ValidationError("--real and --fake go together") }
        if metric.comparesSets {
            let name = metric.rawValue
            if folders && generator { throw ValidationError("--metric \(name) takes --network/--data or --real/--fake, not both") }
            if !folders && data == nil { throw ValidationError("--metric \(name) needs --data (and --network) or --real and --fake") }
        } else {
            if generator || num != nil { throw ValidationError("--metric \(metric.rawValue) compares --real and --fake; --network, --data and --num are for swd, fid and kid") }
            if !folders { throw ValidationError("--metric \(metric.rawValue) needs --real and --fake") }
        }
    }

    func run() throws {
        try reportingFailures {
            switch (metric, real, fake) {
            case (.swd, let real?, let fake?): try swdFolders(real: real, fake: fake)
            case (.swd, _, _): try swdGenerator()
            case (.fid, let real?, let fake?), (.kid, let real?, let fake?): try inceptionFolders(real: real, fake: fake, weights: inception!)
            case (.fid, _, _), (.kid, _, _): try inceptionGenerator(weights: inception!)
            case (.ppl, _, _): try perceptualPathLength(vgg16: vgg16!, lpipsWeights: lpips!)
            case (.flicker, _, _): try flickerOfStudent()
            case (_, let real?, let fake?): try pairs(real: real, fake: fake)
            default: throw ValidationError("--metric \(metric.rawValue) needs --real and --fake")
            }
        }
    }
}

extension MetricsCommand {
    /// --metric ppl takes a network, both weight files and its own options; other metrics take none of them.
    func validatePPL() throws {
        let pplOptionsGiven = vgg16 != nil || lpips != nil || ppl.space != .w || ppl.sampling != .end || ppl.noCrop || ppl.seed != 0
        guard metric == .ppl else {
            if pplOptionsGiven { throw ValidationError("--vgg16, --lpips and --ppl-* go with --metric ppl") }
            return
        }
        if vgg16 == nil || lpips == nil {
            throw ValidationError("--metric ppl needs --vgg16 FILE (torchvision's vgg16-397923af.pth) and --lpips FILE (the lpips wheel's weights/v0.1/vgg.pth)")
        }
        if real != nil || fake != nil { throw ValidationError("--metric ppl measures a --network; --real and --fake are for the other metrics") }
    }
}
