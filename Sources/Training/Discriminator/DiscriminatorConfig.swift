/// The architecture of a StyleGAN2 discriminator (NVLabs' resnet D), or with `styleGAN1` set of an
/// original StyleGAN one (`D_basic`), stored with training snapshots.
public struct DiscriminatorConfig: Codable, Equatable, Sendable {
    public var imageResolution: Int
    public var imageChannels: Int
    /// Channels at resolution r: min(channelBase / r, channelMax), as the generator's.
    public var channelBase: Int
    public var channelMax: Int
    /// Minibatch standard deviation: samples per group (min with the batch) and feature channels.
    public var mbstdGroupSize: Int
    public var mbstdChannels: Int
    public var resampleFilter: [Float]
    /// NVLabs `conv_clamp` (nil: none).
    public var convClamp: Float?
    /// Length of the label vector c (nil or 0: unconditional). Optional so older snapshots read back.
    public var cDim: Int?
    /// Width of c's mapped form cmap (nil: channels at 4x4, NVLabs' default) and its mapping layers (nil: 8).
    public var cmapDim: Int?
    public var mappingLayers: Int?
    /// Set for an original StyleGAN (v1) `D_basic` (nil: StyleGAN2's resnet D; older snapshots).
    public var styleGAN1: StyleGAN1DiscriminatorSettings?

    /// c's length; 0 for an unconditional D.
    public var labelDimension: Int { cDim ?? 0 }
    public var isConditional: Bool { labelDimension > 0 }
    /// NVLabs' cmap_dim: the 4x4 width unless set; 0 without labels.
    public var labelMapDimension: Int { isConditional ? (cmapDim ?? channels(at: 4)) : 0 }
    /// NVLabs' D builds its label MappingNetwork with the default 8 layers.
    public var labelMappingLayers: Int { mappingLayers ?? 8 }

    public init(imageResolution: Int, imageChannels: Int = 3, channelBase: Int = 32768, channelMax: Int = 512,
                mbstdGroupSize: Int = 4, mbstdChannels: Int = 1, resampleFilter: [Float] = [1, 3, 3, 1],
                convClamp: Float? = nil, cDim: Int? = nil) {
        self.imageResolution = imageResolution
        self.imageChannels = imageChannels
        self.channelBase = channelBase
        self.channelMax = channelMax
        self.mbstdGroupSize = mbstdGroupSize
        self.mbstdChannels = mbstdChannels
        self.resampleFilter = resampleFilter
        self.convClamp = convClamp
        self.cDim = cDim
    }

    public func channels(at resolution: Int) -> Int { min(channelBase / resolution, channelMax) }

    /// Resolutions of the downsampling blocks, largest first: R, R/2, ..., 8 (the 4x4 epilogue follows).
    public var blockResolutions: [Int] {
        var r = imageResolution, out: [Int] = []
        while r > 4 { out.append(r); r /= 2 }
        return out
    }

    public func validate() throws(TrainingError) {
        let r = imageResolution
        guard r >= 8, r <= 4096, r & (r - 1) == 0 else { throw .config("discriminator resolution \(r) is not a power of two in 8...4096") }
        guard (1...4).contains(imageChannels) else { throw .config("\(imageChannels) image channels") }
        guard channelBase > 0, channelMax > 0, channels(at: r) >= 1 else {
            throw .config("discriminator channel base \(channelBase) / max \(channelMax) give no channels at \(r)px")
        }
        guard mbstdGroupSize >= 1, mbstdChannels >= 1, channels(at: 4) % mbstdChannels == 0 else {
            throw .config("minibatch stddev: group \(mbstdGroupSize), \(mbstdChannels) channels for \(channels(at: 4))")
        }
        guard (0...100_000).contains(labelDimension), !isConditional || (labelMapDimension >= 1 && labelMappingLayers >= 1) else {
            throw .config("discriminator labels: c \(labelDimension), cmap \(labelMapDimension), \(labelMappingLayers) mapping layers")
        }
    }
}
