import ToonCore
import ToonNN

/// Truncation toward the average w: w_avg + psi (w - w_avg) on the first `cutoff` layers (all when nil).
public struct Truncation: Sendable, Equatable {
    public var psi: Float
    public var cutoff: Int?
    public init(psi: Float = 1, cutoff: Int? = nil) {
        self.psi = psi
        self.cutoff = cutoff
    }
    public static let none = Truncation()
}

/// A StyleGAN (v1), StyleGAN2 or StyleGAN3 generator: mapping (z, c -> w) and synthesis (w+ -> image),
/// with its parameters. Parameter names are NVLabs' (`synthesis.b64.conv0.weight`,
/// `synthesis.L3_36_64.weight`; v1, which has no PyTorch names, `synthesis.b64.conv0.style.weight`);
/// foreign checkpoints are renamed to them by one table per format.
public struct Generator: Sendable {
    public let config: GeneratorConfig
    public var parameters: ParameterStore
    let mapping: MappingNetwork
    let synthesis: SynthesisNetwork
    /// StyleGAN3's synthesis, which replaces `synthesis` when the config is alias-free.
    let aliasFreeSynthesis: AliasFreeSynthesis?
    /// The original StyleGAN's mapping and synthesis, which replace the others when the config is v1.
    let styleMapping: StyleMapping?
    let styleSynthesis: StyleSynthesis?

    /// A generator over `parameters`, which must hold exactly `Generator.spec(config)`'s names and shapes.
    public init(config: GeneratorConfig, parameters: ParameterStore) throws {
        try config.validate()
        self.config = config
        self.parameters = parameters
        mapping = MappingNetwork(config)
        synthesis = SynthesisNetwork(config)
        aliasFreeSynthesis = config.aliasFree.map { AliasFreeSynthesis(config, $0) }
        styleMapping = config.styleGAN1.map { StyleMapping(config, $0) }
        styleSynthesis = config.styleGAN1.map { StyleSynthesis(config, $0) }
        try Generator.spec(config).validate(parameters)
        if let styleSynthesis {
            let lod = parameters["lod"].scalar
            guard lod.isFinite, lod >= 0, lod <= styleSynthesis.maximumLod else {
                throw StyleGANError.config(.invalid("StyleGAN (v1) lod \(lod) is outside 0...\(Int(styleSynthesis.maximumLod)) for \(config.imageResolution) px"))
            }
        }
    }

    /// Every parameter and buffer the architecture has, with NVLabs' initialisation.
    public static func spec(_ config: GeneratorConfig) -> ParameterSpec {
        var spec = ParameterSpec()
        if let settings = config.styleGAN1 {
            StyleMapping(config, settings).declare(into: &spec)
            StyleSynthesis(config, settings).declare(into: &spec)
            return spec
        }
        MappingNetwork(config).declare(into: &spec)
        if let aliasFree = config.aliasFree {
            AliasFreeSynthesis(config, aliasFree).declare(into: &spec)
        } else {
            SynthesisNetwork(config).declare(into: &spec)
        }
        return spec
    }

    public var numWs: Int { config.numWs }

    /// The truncation the network's own code applies when none is asked for: StyleGAN (v1)'s
    /// G_style truncates by default (psi 0.7 on the first 8 ws unless its pickle says otherwise);
    /// StyleGAN2 and 3 do not.
    public var defaultTruncation: Truncation { config.styleGAN1?.defaultTruncation ?? .none }

    /// z: [N, zDim] (c: [N, cDim] one-hot for conditional models) -> ws: [N, numWs, wDim], truncated.
    public func mapping(z: Tensor, c: Tensor? = nil, truncation: Truncation = .none) -> Tensor {
        precondition(z.rank == 2 && z.shape[1] == config.zDim, "z has shape \(z.shape), expected [N, \(config.zDim)]")
        let w = styleMapping?.map(z: z, c: c, parameters) ?? mapping.map(z: z, c: c, parameters)
        let n = z.shape[0]
        let ws = w.reshaped([n, 1, config.wDim]).expanded(to: [n, numWs, config.wDim])
        return truncate(ws, truncation)
    }

    /// Moves ws toward w_avg (torch's lerp: avg + psi (w - avg)).
    public func truncate(_ ws: Tensor, _ truncation: Truncation) -> Tensor {
        guard truncation.psi != 1 else { return ws }
        let average = parameters["mapping.w_avg"].reshaped([1, 1, config.wDim])
        let truncated = average + (ws - average) * truncation.psi
        guard let cutoff = truncation.cutoff, cutoff < numWs else { return truncated }
        let kept = max(cutoff, 0)
        return Tensor.concatenate([truncated.slice(axis: 1, 0..<kept), ws.slice(axis: 1, kept..<numWs)], axis: 1)
    }

    /// ws: [N, numWs, wDim] -> images [N, channels, R, R] (raw output, roughly in -1...1).
    /// StyleGAN3 has no noise inputs (`noise` is ignored there) and records no gradients.
    public func synthesis(ws: Tensor, noise: NoiseMode = .const) -> Tensor {
        precondition(ws.rank == 3 && ws.shape[1] == numWs && ws.shape[2] == config.wDim,
                     "ws has shape \(ws.shape), expected [N, \(numWs), \(config.wDim)]")
        if let aliasFreeSynthesis { return aliasFreeSynthesis.synthesize(ws: ws, parameters) }
        if let styleSynthesis { return styleSynthesis.synthesize(ws: ws, parameters, noiseMode: noise) }
        return synthesis.synthesize(ws: ws, parameters, noiseMode: noise)
    }

    /// z -> image in one call, without recording gradients.
    public func callAsFunction(z: Tensor, c: Tensor? = nil, truncation: Truncation = .none,
                               noise: NoiseMode = .const) -> Tensor {
        withoutGradients { synthesis(ws: mapping(z: z, c: c, truncation: truncation), noise: noise) }
    }
}

extension Generator {
    /// Trainable parameters (what NVLabs counts with `G.parameters()`): everything but the
    /// buffers w_avg and the constant noise maps.
    public var trainableParameterCount: Int {
        parameters.pairs.filter { !Generator.isBuffer($0.name) }.reduce(0) { $0 + $1.tensor.count }
    }

    /// Whether `name` is a buffer (w_avg, a noise constant; StyleGAN3's input transform,
    /// frequencies, phases and magnitude EMAs; StyleGAN (v1)'s lod) rather than a trained weight.
    public static func isBuffer(_ name: String) -> Bool {
        ["w_avg", "noise_const", "magnitude_ema"].contains { name.hasSuffix(".\($0)") }
            || ["synthesis.input.transform", "synthesis.input.freqs", "synthesis.input.phases", "lod", "synthesis.lod"].contains(name)
    }
}
