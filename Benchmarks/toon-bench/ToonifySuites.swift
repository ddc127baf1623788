import Faces
import Foundation
import ToonMetrics
import StyleGAN
import ToonCore
import ToonIO
import Toonify
import BuiltInModels

// The toonify suites of toon-bench: projection quality on the built-in model's own images, and each
// stage of `toon toonify` timed (main.swift times projection steps against NVLabs').

extension LPIPS {
    /// LPIPS-VGG16 with random weights (timing only): He-normal convolutions, small biases, equal
    /// channel weights.
    static func random() -> LPIPS {
        var vgg = TensorSet(), linear = TensorSet()
        for layer in VGG16Features.layers {
            let weight = Tensor.randomNormal(shape: [layer.output, layer.input, 3, 3], seed: UInt32(layer.index))
                * (2 / Float(9 * layer.input)).squareRoot()
            try! vgg.insert(weight, named: "features.\(layer.index).weight", source: "bench")
            try! vgg.insert(Tensor(repeating: 0.01, shape: [layer.output]), named: "features.\(layer.index).bias", source: "bench")
        }
        for (tap, channels) in VGG16Features.tapChannels.enumerated() {
            try! linear.insert(Tensor(repeating: 0.1, shape: [1, channels, 1, 1]), named: "lin\(tap).model.1.weight", source: "bench")
        }
        return try! LPIPS(network: VGG16Features(stateDict: vgg, source: "bench"), linearStateDict: linear, source: "bench")
    }
}

/// Projects the built-in model's own images of seeds 0..<runs (pixel MSE + MS-SSIM objective, no
/// weights needed) and prints, per seed and on average, the reconstruction's PSNR and SSIM (8-bit,
/// skimage's defaults) and how far the projected w is from the true one, relative to the true w's
/// distance from w_avg (0: found exactly; 1: no closer than the average face).
func projectionQuality(_ options: Options) {
    let generator = try! BuiltInModel.anime64.load()
    var settings = ProjectionSettings()
    settings.steps = options.steps
    settings.wPlus = options.wPlus
    let projector = try! Projector(generator: generator, objective: .pixelAndMultiScaleSSIM, settings: settings)
    let average = projector.statistics.average.scalars
    func planes(_ image: Tensor) -> ImagePlanes { ImagePlanes(rgb8: Image.eightBit(image)) }
    var totals = (psnr: 0.0, ssim: 0.0, w: 0.0)
    print("seed  PSNR dB  SSIM    |w - w_true| / |w_true - w_avg|   (\(options.steps) steps, \(options.wPlus ? "w+" : "w"))")
    for seed in 0..<options.runs {
        let truth = withoutGradients { generator.mapping(z: Latents.z(seeds: [UInt32(seed)], zDim: generator.config.zDim)) }.contiguous()
        let target = Image.eightBit(projector.image(truth)).tensorQuantized()
        let result = try! projector.project(target)
        let (a, b) = (planes(target), planes(projector.image(result.ws)))
        let psnr = PixelError.peakSignalToNoiseRatio(a, b), ssim = StructuralSimilarity.skimage(a, b)
        let d = generator.config.wDim, w = result.ws.scalars, t = truth.scalars
        var relative = 0.0
        for row in 0..<generator.numWs {
            var off = 0.0, spread = 0.0
            for i in 0..<d {
                off += pow(Double(w[row * d + i] - t[row * d + i]), 2)
                spread += pow(Double(t[row * d + i] - average[i]), 2)
            }
            relative += (off / spread).squareRoot() / Double(generator.numWs)
        }
        print(String(format: "%4d  %7.2f  %.4f  %.3f", seed, psnr, ssim, relative))
        totals = (totals.psnr + psnr, totals.ssim + ssim, totals.w + relative)
    }
    let n = Double(options.runs)
    print(String(format: "mean  %7.2f  %.4f  %.3f", totals.psnr / n, totals.ssim / n, totals.w / n))
}

extension Image {
    /// A generator's image as the 8-bit picture `toon generate` saves.
    static func eightBit(_ tensor: Tensor) -> Image { try! Image(tensor: tensor, range: -1...1) }

    /// This 8-bit image as the [1, 3, R, R] tensor in [-1, 1] a projection aims at.
    func tensorQuantized() -> Tensor {
        let bytes = Quantization(range: 0...1)
        return Tensor(shape: [1, 3, height, width], scalars: samples.map { bytes.code($0) / 127.5 - 1 })
    }
}

/// `toon toonify`'s stages on one photo, each timed once: a config-f base with random weights and a
/// styled copy whose fine layers are perturbed, LPIPS-VGG16 with random weights.
func toonifyStages(_ options: Options) -> [Row] {
    func timed(_ name: String, _ body: () throws -> Void) -> Row {
        let start = DispatchTime.now().uptimeNanoseconds
        try! body()
        return Row(name: name, flops: 0, seconds: [Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9])
    }
    let resolution = options.resolutions.count == 1 ? options.resolutions[0] : 512
    let config = GeneratorConfig(imageResolution: resolution)
    let base = try! Generator(config: config, parameters: Generator.spec(config).initialize(seed: 1))
    var store = base.parameters
    for (name, tensor) in base.parameters.pairs where name.hasPrefix("synthesis.") && !name.hasSuffix(".noise_const") {
        store.update(name, to: tensor * 1.01)
    }
    let styled = try! Generator(config: config, parameters: store)
    let lpips = LPIPS.random()
    let photo = try! Image.readUpright(from: URL(fileURLWithPath: options.photo ?? "/usr/share/doc/opencv-doc/examples/data/messi5.jpg"))
    var rows: [Row] = []
    var aligner: FaceAligner!
    // toonify's default: dlib's CNN at upsample 1 when scripts/fetch-models has put it in place, else the Haar cascade.
    let cnn = try? CNNFaceDetector.defaultModel(environment: ProcessInfo.processInfo.environment)
    rows.append(timed(cnn == nil ? "load Haar cascade and landmark model" : "load CNN detector and landmark model") {
        let detector: FaceDetector = try cnn.map { .cnn($0, upsample: 1) } ?? .cascade(try CascadeClassifier.defaultFrontalFace())
        aligner = FaceAligner(detector: detector, predictor: try ShapePredictor.defaultLandmarks(),
                              alignment: FFHQAlignment(outputSize: resolution, transformSize: min(4 * resolution, 4096)))
    })
    var faces: [AlignedPhotoFace] = []
    rows.append(timed("detect, landmarks, align") { faces = aligner.faces(in: photo) })
    guard let face = faces.first else { print("no face in the photo"); exit(1) }
    var settings = ProjectionSettings()
    settings.steps = options.steps
    var toonifier: Toonifier!
    rows.append(timed("blend, w statistics (10000 w)") {
        toonifier = try Toonifier(base: base, styled: styled, blend: Blend.Settings(swapResolution: resolution / 4, degree: 0.8),
                                  objective: .lpips(lpips), projection: settings)
    })
    var result: Toonifier.Face!
    var marks: [UInt64] = []
    rows.append(timed("project \(options.steps) steps, draw") {
        result = try toonifier.toonify(ProjectionTarget.tensor(from: face.aligned.image, resolution: resolution)) { _ in
            marks.append(DispatchTime.now().uptimeNanoseconds)
        }
    })
    let steps = zip(marks.dropFirst(), marks).map { Double($0 - $1) / 1e9 }
    rows.append(Row(name: "  one projection step (median)", flops: 0, seconds: steps.isEmpty ? [0] : steps))
    rows.append(timed("paste back") {
        _ = PasteBack().composite(try Image(tensor: result.cartoon, range: -1...1), into: photo,
                                  quad: FaceQuad(face.aligned.transform, side: resolution))
    })
    print("\(faces.count) faces found; timing the first")
    return rows
}
