import Foundation
import ToonCore
import ToonIO

/// Writes a generator as a rosinality/stylegan2-pytorch checkpoint: a torch.save file holding
/// `{'g_ema': state_dict, 'latent_avg': w_avg}` that rosinality's `Generator(size, style_dim, n_mlp,
/// channel_multiplier)` loads with `load_state_dict(strict=True)`. Names and layouts come from the
/// same table the loader reads with (`ForeignNames.rosinality`), run backwards.
public enum RosinalityExport {
    /// The arguments rosinality's `Generator(...)` needs to hold the exported weights.
    public struct Arguments: Equatable, Sendable {
        public let size: Int
        public let styleDim: Int
        public let nMLP: Int
        public let channelMultiplier: Int
    }

    /// rosinality's channel table (model.py): 512 up to 32px, then 256 x multiplier at 64px, halving.
    public static func channels(at resolution: Int, multiplier: Int) -> Int {
        resolution <= 32 ? 512 : 256 * multiplier * 64 / resolution
    }

    /// Every feature of `config` that rosinality's model.py cannot express; empty when it can.
    public static func unsupportedFeatures(_ config: GeneratorConfig) -> [String] {
        if config.isStyleGAN3 || config.isStyleGAN1 { return ["a \(config.generation) generator (rosinality's model.py is StyleGAN2)"] }
        var problems: [String] = []
        if config.cDim != 0 { problems.append("a conditional generator (c_dim \(config.cDim))") }
        if config.zDim != config.wDim { problems.append("z_dim \(config.zDim) different from w_dim \(config.wDim)") }
        if let f = config.mappingFeatures, f != config.wDim { problems.append("mapping layers \(f) wide instead of w_dim \(config.wDim)") }
        if config.mappingLRMultiplier != 0.01 { problems.append("mapping lr multiplier \(config.mappingLRMultiplier) (rosinality's lr_mlp is 0.01)") }
        if config.imageChannels != 3 { problems.append("\(config.imageChannels) image channels (rosinality's ToRGB has 3)") }
        if config.architecture != .skip { problems.append("the '\(config.architecture.rawValue)' architecture (rosinality has skip only)") }
        if config.resampleFilter != [1, 3, 3, 1] { problems.append("resample filter \(config.resampleFilter) (only [1, 3, 3, 1])") }
        if let clamp = config.convClamp { problems.append("conv clamp \(clamp) (rosinality never clamps)") }
        if config.imageResolution > 1024 { problems.append("resolution \(config.imageResolution) (rosinality's channel table stops at 1024)") }
        let multiplier = channelMultiplier(config)
        if let bad = config.blockResolutions.first(where: { config.channels(at: $0) != channels(at: $0, multiplier: multiplier) }) {
            problems.append("channel table (\(config.channels(at: bad)) channels at \(bad)px, channel_base \(config.channelBase), "
                            + "channel_max \(config.channelMax)); rosinality has 512 up to 32px and 256 x channel_multiplier "
                            + "at 64px, halving per doubling (\(channels(at: bad, multiplier: multiplier)) at \(bad)px here)")
        }
        return problems
    }

    /// rosinality's Generator arguments for `config`, or nil where it cannot be expressed.
    public static func arguments(for config: GeneratorConfig) -> Arguments? {
        guard unsupportedFeatures(config).isEmpty else { return nil }
        return Arguments(size: config.imageResolution, styleDim: config.wDim, nMLP: config.mappingLayers,
                         channelMultiplier: channelMultiplier(config))
    }

    /// Writes `generator` to `url` atomically; models rosinality cannot express are refused with
    /// every feature that stands in the way.
    public static func write(_ generator: Generator, to url: URL,
                             options: TorchSave.Options = TorchSave.Options()) throws(StyleGANError) {
        let problems = unsupportedFeatures(generator.config)
        guard problems.isEmpty else { throw StyleGANError(url: url, .export(.unsupported(problems))) }
        let (stateDict, latentAverage) = stateDict(generator)
        do {
            try TorchSave.write(.dict([("g_ema", .orderedDict(stateDict)), ("latent_avg", latentAverage)]),
                                to: url, options: options)
        } catch {
            // A failed write is reported as the export's, with the write's reason.
            guard case .write(.failed(let reason)) = error.problem else { throw StyleGANError(error) }
            throw StyleGANError(url: url, .export(.cannotWrite(reason)))
        }
    }

    /// rosinality's `g_ema.state_dict()` in its order, and `latent_avg`.
    static func stateDict(_ generator: Generator) -> ([(String, TorchSaveValue)], TorchSaveValue) {
        let config = generator.config
        var byName: [String: TorchSaveValue] = [:]
        var latentAverage: TorchSaveValue?
        for (name, tensor) in generator.parameters.pairs {
            guard let source = ForeignNames.rosinality(name) else {
                preconditionFailure("\(name) has no rosinality name, though the config passed the export checks")
            }
            let value = TorchSaveValue.tensor(tensor, shape: rosinalityShape(source, tensor.shape))
            if source.name == "latent_avg" { latentAverage = value } else { byName[source.name] = value }
        }
        // Buffers rosinality registers that ToonKit computes from the config instead.
        let kernel = TorchSaveValue.tensor(blurKernel(config.resampleFilter))
        var entries: [(String, TorchSaveValue)] = []
        for name in stateDictNames(config) {
            if name.hasSuffix(".blur.kernel") || name.hasSuffix(".upsample.kernel") {
                entries.append((name, kernel))
            } else {
                guard let value = byName.removeValue(forKey: name) else {
                    preconditionFailure("rosinality's \(name) has no ToonKit parameter")
                }
                entries.append((name, value))
            }
        }
        precondition(byName.isEmpty, "ToonKit parameters without a rosinality key: \(byName.keys.sorted())")
        return (entries, latentAverage!)
    }

    /// The keys of rosinality's `Generator.state_dict()` (model.py): each module's parameters, then
    /// its buffers, then its submodules in the order they are assigned.
    static func stateDictNames(_ config: GeneratorConfig) -> [String] {
        var names: [String] = []
        for i in 1...config.mappingLayers { names += ["style.\(i).weight", "style.\(i).bias"] }
        names.append("input.input")
        func styledConv(_ prefix: String, up: Bool) {
            names.append("\(prefix).conv.weight")
            if up { names.append("\(prefix).conv.blur.kernel") }
            names += ["\(prefix).conv.modulation.weight", "\(prefix).conv.modulation.bias",
                      "\(prefix).noise.weight", "\(prefix).activate.bias"]
        }
        func toRGB(_ prefix: String, up: Bool) {
            names.append("\(prefix).bias")
            if up { names.append("\(prefix).upsample.kernel") }
            names += ["\(prefix).conv.weight", "\(prefix).conv.modulation.weight", "\(prefix).conv.modulation.bias"]
        }
        styledConv("conv1", up: false)
        toRGB("to_rgb1", up: false)
        let steps = config.blockResolutions.count - 1
        for i in 0..<steps {
            styledConv("convs.\(2 * i)", up: true)
            styledConv("convs.\(2 * i + 1)", up: false)
        }
        for i in 0..<steps { toRGB("to_rgbs.\(i)", up: true) }
        for i in 0..<(2 * steps + 1) { names.append("noises.noise_\(i)") }
        return names
    }

    /// rosinality's shape for a ToonKit tensor: the unit axes that `ForeignNames` squeezes away,
    /// put back (`[O,I,k,k]` -> `[1,O,I,k,k]`, `[3]` -> `[1,3,1,1]`, `[]` -> `[1]`, `[R,R]` -> `[1,1,R,R]`).
    static func rosinalityShape(_ source: ForeignSource, _ shape: [Int]) -> [Int] {
        switch source.layout {
        case .same: return shape
        case .squeezed(let rank):
            precondition(shape.count == rank, "\(source.name): rank \(shape.count), table says \(rank)")
            if source.name.hasPrefix("to_rgb"), source.name.hasSuffix(".bias") { return [1] + shape + [1, 1] }
            if source.name.hasPrefix("noises.") { return [1, 1] + shape }
            return [1] + shape  // conv weights, the constant input, noise strengths
        default:
            preconditionFailure("\(source.name): layout \(source.layout) is not rosinality's")
        }
    }

    /// model.py's `make_kernel(k) * factor**2` for factor 2: the outer product normalised to sum 1,
    /// times 4. Both the upsampling blur of the convs and ToRGB's skip upsampler hold this.
    static func blurKernel(_ taps: [Float]) -> Tensor {
        let n = taps.count
        var k = [Float](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { k[i * n + j] = taps[i] * taps[j] } }
        let sum = k.reduce(0, +)
        return Tensor(shape: [n, n], scalars: k.map { $0 / sum * 4 })
    }

    /// The multiplier the channel table implies: from 64px where the model reaches it, else
    /// rosinality's default 2 (below 64px every multiplier gives the same table).
    static func channelMultiplier(_ config: GeneratorConfig) -> Int {
        guard config.imageResolution >= 64 else { return 2 }
        return max(1, config.channels(at: 64) / 256)
    }
}

extension StyleGANError {
    /// Why a generator could not be exported; the error's file is the destination.
    public enum ExportProblem: Equatable, Sendable {
        /// Features of the model that rosinality's model.py has no way to express.
        case unsupported([String])
        /// The file could not be written (the destination is left as it was).
        case cannotWrite(String)

        var message: String {
            switch self {
            case .unsupported(let features):
                "cannot export as a rosinality checkpoint: rosinality's model.py cannot express "
                    + features.joined(separator: "; ")
            case .cannotWrite(let reason):
                "cannot write: \(reason)"
            }
        }
    }
}
