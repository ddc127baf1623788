import ToonCore

/// The settings of an original StyleGAN (v1) generator (NVlabs/stylegan `G_style` with `G_mapping`
/// and `G_synthesis`) beyond what `GeneratorConfig` holds, with the defaults of networks_stylegan.py.
/// `GeneratorConfig` supplies the sizes: z (latent_size), w (dlatent_size), labels (label_size),
/// resolution, channels (channelBase = 2 fmap_base, channelMax = fmap_max), the mapping's layers,
/// width (mapping_fmaps) and lr multiplier. Its `architecture`, `resampleFilter` and `convClamp`
/// do not apply to v1.
public struct StyleGAN1Config: Codable, Equatable, Sendable {
    public enum Nonlinearity: String, Codable, Sendable {
        case lrelu, relu
    }

    /// When the upsampling conv runs as one transposed convolution (`fused_scale`). The fused
    /// form is not the same function as upscale-then-conv (its 4x4 kernel is the 3x3 one summed
    /// over shifts, unflipped), so layers trained fused must run fused.
    public enum FusedScale: String, Codable, Sendable {
        /// NVLabs' 'auto': fused where the layer's output is 128 px or more.
        case auto
        case always
        case never

        /// Whether the upsampling layer that outputs `resolution` px runs fused.
        public func isFused(outputResolution resolution: Int) -> Bool {
            switch self {
            case .auto: resolution >= 128
            case .always: true
            case .never: false
            }
        }
    }

    /// G_style's truncation: psi on the first `truncationCutoff` ws (nil psi or cutoff: none).
    /// What `Gs.run(z, None)` applies when no psi is given: 0.7 on 8 ws unless the pickle says otherwise.
    public var truncationPsi: Float? = 0.7
    public var truncationCutoff: Int? = 8
    /// G_mapping: pixel-normalise z (after the label embedding is concatenated).
    public var normalizeLatents = true
    public var mappingNonlinearity: Nonlinearity = .lrelu
    /// Equalized learning rate in the mapping network and in the synthesis network.
    public var mappingWScale = true
    public var synthesisWScale = true
    public var nonlinearity: Nonlinearity = .lrelu
    public var useNoise = true
    public var usePixelNorm = false
    public var useInstanceNorm = true
    /// The low-pass filter after each upsampling (`blur_filter`); empty for none.
    public var blurFilter: [Float] = [1, 2, 1]
    public var fusedScale: FusedScale = .auto

    public init() {}

    /// The truncation G_style applies by default (`Gs.run` without truncation arguments).
    public var defaultTruncation: Truncation {
        guard let psi = truncationPsi, let cutoff = truncationCutoff, psi != 1, cutoff > 0 else { return .none }
        return Truncation(psi: psi, cutoff: cutoff)
    }

    func validate() throws(StyleGANError) {
        guard blurFilter.count <= 16, blurFilter.allSatisfy(\.isFinite), blurFilter.isEmpty || blurFilter.reduce(0, +) != 0 else {
            throw .config(.invalid("StyleGAN (v1) blur filter \(blurFilter)"))
        }
        if let psi = truncationPsi, !psi.isFinite { throw .config(.invalid("StyleGAN (v1) truncation psi \(psi)")) }
    }
}

extension StyleGAN1Config.Nonlinearity {
    var activation: Activation {
        switch self {
        case .lrelu: .leakyReLU(slope: 0.2)
        case .relu: .relu
        }
    }
}
