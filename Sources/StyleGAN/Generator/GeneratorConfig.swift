/// The architecture of a StyleGAN (v1), StyleGAN2 or StyleGAN3 generator, as NVLabs' `init_kwargs`
/// (or TF `static_kwargs`) describe it. It travels with the weights (read from every checkpoint format,
/// stored in ToonKit's own), never from flags. StyleGAN3 generators carry `aliasFree` and StyleGAN
/// (v1) ones `styleGAN1`; their synthesis ignores `architecture` and `resampleFilter`.
public struct GeneratorConfig: Codable, Equatable, Sendable {
    public enum Architecture: String, Codable, Sendable { case orig, skip, resnet }

    public var zDim: Int
    public var cDim: Int
    public var wDim: Int
    public var imageResolution: Int
    public var imageChannels: Int
    /// Mapping network: number of fully connected layers, their width (nil: wDim), the class
    /// embedding width (nil: wDim when cDim > 0) and the learning-rate multiplier.
    public var mappingLayers: Int
    public var mappingFeatures: Int?
    public var embedFeatures: Int?
    public var mappingLRMultiplier: Float
    /// Synthesis channels: min(channelBase / resolution, channelMax).
    public var channelBase: Int
    public var channelMax: Int
    public var architecture: Architecture
    public var resampleFilter: [Float]
    /// NVLabs `conv_clamp`: activations clamped to ±this (nil: no clamp).
    public var convClamp: Float?
    /// StyleGAN3's synthesis settings; nil for StyleGAN2.
    public var aliasFree: AliasFreeConfig?
    /// The original StyleGAN's (v1) settings; nil for StyleGAN2 and 3.
    public var styleGAN1: StyleGAN1Config?

    public init(zDim: Int = 512, cDim: Int = 0, wDim: Int = 512, imageResolution: Int, imageChannels: Int = 3,
                mappingLayers: Int = 8, mappingFeatures: Int? = nil, embedFeatures: Int? = nil,
                mappingLRMultiplier: Float = 0.01, channelBase: Int = 32768, channelMax: Int = 512,
                architecture: Architecture = .skip, resampleFilter: [Float] = [1, 3, 3, 1], convClamp: Float? = nil) {
        self.zDim = zDim
        self.cDim = cDim
        self.wDim = wDim
        self.imageResolution = imageResolution
        self.imageChannels = imageChannels
        self.mappingLayers = mappingLayers
        self.mappingFeatures = mappingFeatures
        self.embedFeatures = embedFeatures
        self.mappingLRMultiplier = mappingLRMultiplier
        self.channelBase = channelBase
        self.channelMax = channelMax
        self.architecture = architecture
        self.resampleFilter = resampleFilter
        self.convClamp = convClamp
    }

    /// Resolutions of the synthesis blocks: 4, 8, ..., imageResolution.
    public var blockResolutions: [Int] {
        var r = 4, out: [Int] = []
        while r <= imageResolution { out.append(r); r *= 2 }
        return out
    }

    public func channels(at resolution: Int) -> Int { min(channelBase / resolution, channelMax) }

    /// Number of w vectors the synthesis network consumes: two per block (one for the 4x4 block)
    /// plus the last block's toRGB; StyleGAN3: one per layer plus the input's and the toRGB's;
    /// StyleGAN (v1): one per layer, two per block (the same count as StyleGAN2).
    public var numWs: Int { aliasFree?.numWs ?? blockResolutions.count * 2 }

    /// True for a StyleGAN3 (alias-free) generator.
    public var isStyleGAN3: Bool { aliasFree != nil }

    /// True for a StyleGAN2 generator (neither v1 nor StyleGAN3).
    public var isStyleGAN2: Bool { aliasFree == nil && styleGAN1 == nil }

    /// True for an original StyleGAN (v1) generator.
    public var isStyleGAN1: Bool { styleGAN1 != nil }

    /// "StyleGAN1", "StyleGAN2", "StyleGAN3-T" or "StyleGAN3-R".
    public var generation: String {
        if styleGAN1 != nil { return "StyleGAN1" }
        return aliasFree.map { "StyleGAN3-\($0.name)" } ?? "StyleGAN2"
    }

    /// Checks the values a file could get wrong before anything is allocated from them.
    public func validate() throws(StyleGANError) {
        let r = imageResolution
        if let aliasFree {
            guard r <= 8192 else { throw .config(.invalid("resolution \(r) is above 8192")) }
            try aliasFree.validate(resolution: r)
        } else {
            guard r >= 4, r <= 8192, r & (r - 1) == 0 else { throw .config(.invalid("resolution \(r) is not a power of two in 4...8192")) }
        }
        guard (1...4096).contains(zDim) || zDim == 0, (1...4096).contains(wDim), (0...100_000).contains(cDim) else {
            throw .config(.invalid("latent sizes z=\(zDim) w=\(wDim) c=\(cDim) are out of range"))
        }
        guard (1...4).contains(imageChannels) else { throw .config(.invalid("\(imageChannels) image channels")) }
        guard (1...64).contains(mappingLayers) else { throw .config(.invalid("\(mappingLayers) mapping layers")) }
        guard channelBase > 0, (1...16384).contains(channelMax), channels(at: r) >= 1 else {
            throw .config(.invalid("channel base \(channelBase) / max \(channelMax) give no channels at \(r)px"))
        }
        guard !resampleFilter.isEmpty, resampleFilter.count <= 16 else { throw .config(.invalid("resample filter \(resampleFilter)")) }
        if let styleGAN1 {
            guard aliasFree == nil else { throw .config(.invalid("both StyleGAN (v1) and StyleGAN3 settings")) }
            try styleGAN1.validate()
        }
    }
}

extension StyleGANError {
    /// Why no generator can be built from a configuration.
    public enum GeneratorConfigProblem: Equatable, Sendable {
        case invalid(String)

        var message: String {
            switch self { case .invalid(let why): "invalid generator configuration: \(why)" }
        }
    }
}
