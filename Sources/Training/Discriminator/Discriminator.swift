import ToonCore
import ToonNN

/// StyleGAN2's residual discriminator (NVLabs `Discriminator`, architecture "resnet"): fromRGB at the
/// input resolution, one block per resolution halving it (two 3x3 convs beside a 1x1 skip), then an
/// epilogue at 4x4 with minibatch standard deviation, a conv and two fully connected layers.
/// Parameter names are NVLabs' (`b64.conv0.weight`, `b4.out.bias`), so their pickles map by table.
/// A conditional D (labels of `cDim`) maps c to cmap and scores the projection of its features on cmap.
public struct Discriminator: Sendable {
    public let config: DiscriminatorConfig
    let blocks: [DiscriminatorBlock]
    let labelMapping: LabelMapping?
    let epilogue: DiscriminatorEpilogue
    let filter: FIRFilter
    /// The original StyleGAN's D, which replaces the rest when the config is v1.
    let basic: BasicDiscriminator?

    public init(_ config: DiscriminatorConfig) throws(TrainingError) {
        try config.validate()
        self.config = config
        blocks = config.blockResolutions.enumerated().map { i, r in DiscriminatorBlock(config: config, resolution: r, first: i == 0) }
        labelMapping = config.isConditional ? LabelMapping(config: config) : nil
        epilogue = DiscriminatorEpilogue(config: config)
        filter = setupFilter(config.resampleFilter)
        basic = config.styleGAN1.map { BasicDiscriminator(config, $0) }
    }

    /// Every parameter, with NVLabs' initialisation.
    public var spec: ParameterSpec {
        if let basic { return basic.spec }
        var spec = ParameterSpec()
        for block in blocks { block.declare(into: &spec) }
        labelMapping?.declare(into: &spec)
        epilogue.declare(into: &spec)
        return spec
    }

    /// The parameter names of D's first `count` layers, counted as NVLabs' Freeze-D counts them: from
    /// the input, each block's fromRGB, conv0, conv1 and skip in turn; the 4x4 epilogue is never frozen.
    public func frozenNames(firstLayers count: Int) -> Set<String> {
        if let basic { return basic.frozenNames(firstLayers: count) }
        let layers = blocks.flatMap { block in [block.fromRGB, block.conv0, block.conv1, block.skip].compactMap { $0 } }
        let frozen = layers.prefix(max(count, 0)).map(\.name)
        return Set(spec.entries.map(\.name).filter { name in frozen.contains { name.hasPrefix($0 + ".") } })
    }

    /// images: [N, C, R, R] in about -1...1, labels: [N, cDim] for a conditional D (else nil) -> logits [N, 1].
    public func callAsFunction(_ images: Tensor, labels: Tensor? = nil, _ p: ParameterStore) -> Tensor {
        let r = config.imageResolution
        precondition(images.rank == 4 && images.shape[1] == config.imageChannels && images.shape[2] == r && images.shape[3] == r,
                     "discriminator: images \(images.shape), expected [N, \(config.imageChannels), \(r), \(r)]")
        if let basic {
            precondition(!config.isConditional || labels?.shape == [images.shape[0], config.labelDimension],
                         "discriminator: labels \(labels?.shape ?? []), expected [\(images.shape[0]), \(config.labelDimension)]")
            return basic(images, labels: labels, p)
        }
        let cmap = labelMapping.map { mapping in
            guard let labels else { preconditionFailure("discriminator: this D is conditional and needs labels") }
            precondition(labels.shape == [images.shape[0], config.labelDimension],
                         "discriminator: labels \(labels.shape), expected [\(images.shape[0]), \(config.labelDimension)]")
            return mapping(labels, p)
        }
        var x = images
        for block in blocks { x = block(x, p, filter: filter) }
        return epilogue(x, cmap: cmap, p)
    }
}

/// One resolution: fromRGB (first block only), conv0 at this resolution, conv1 down to half, and
/// the 1x1 downsampling skip; both paths scaled by sqrt(1/2) so their sum keeps unit variance.
struct DiscriminatorBlock: Sendable {
    let fromRGB: EqualConv2d?
    let conv0: EqualConv2d
    let conv1: EqualConv2d
    let skip: EqualConv2d

    init(config: DiscriminatorConfig, resolution r: Int, first: Bool) {
        let tmp = config.channels(at: r), out = config.channels(at: r / 2)
        let lrelu = Activation.leakyReLU(slope: 0.2)
        fromRGB = first ? EqualConv2d("b\(r).fromrgb", inChannels: config.imageChannels, outChannels: tmp, kernel: 1,
                                      activation: lrelu, clamp: config.convClamp) : nil
        conv0 = EqualConv2d("b\(r).conv0", inChannels: tmp, outChannels: tmp, kernel: 3, activation: lrelu, clamp: config.convClamp)
        conv1 = EqualConv2d("b\(r).conv1", inChannels: tmp, outChannels: out, kernel: 3, activation: lrelu, clamp: config.convClamp)
        skip = EqualConv2d("b\(r).skip", inChannels: tmp, outChannels: out, kernel: 1, bias: false)
    }

    func declare(into spec: inout ParameterSpec) {
        fromRGB?.declare(into: &spec)
        conv0.declare(into: &spec)
        conv1.declare(into: &spec)
        skip.declare(into: &spec)
    }

    func callAsFunction(_ input: Tensor, _ p: ParameterStore, filter: FIRFilter) -> Tensor {
        let x = fromRGB.map { $0(input, p) } ?? input
        let half = Float(0.5).squareRoot()
        let y = skip(x, p, gain: half, downsampling: filter)
        return y + conv1(conv0(x, p), p, gain: half, downsampling: filter)
    }
}

/// The 4x4 end of the discriminator: minibatch stddev, a 3x3 conv, fc to the same width, fc to one
/// logit, or for a conditional D to cmapDim features whose dot product with cmap, over sqrt(cmapDim), is the logit.
struct DiscriminatorEpilogue: Sendable {
    let channels: Int
    let groupSize: Int
    let stdChannels: Int
    let conv: EqualConv2d
    let fc: EqualLinear
    let out: EqualLinear

    init(config: DiscriminatorConfig) {
        channels = config.channels(at: 4)
        groupSize = config.mbstdGroupSize
        stdChannels = config.mbstdChannels
        let lrelu = Activation.leakyReLU(slope: 0.2)
        conv = EqualConv2d("b4.conv", inChannels: channels + stdChannels, outChannels: channels, kernel: 3,
                           activation: lrelu, clamp: config.convClamp)
        fc = EqualLinear("b4.fc", inFeatures: channels * 16, outFeatures: channels, activation: lrelu)
        out = EqualLinear("b4.out", inFeatures: channels, outFeatures: config.isConditional ? config.labelMapDimension : 1)
    }

    func declare(into spec: inout ParameterSpec) {
        conv.declare(into: &spec)
        fc.declare(into: &spec)
        out.declare(into: &spec)
    }

    func callAsFunction(_ x: Tensor, cmap: Tensor?, _ p: ParameterStore) -> Tensor {
        var x = x.appendingMinibatchStd(groupSize: groupSize, channels: stdChannels)
        x = conv(x, p)
        let features = out(fc(x.flattenedBatch(), p), p)
        guard let cmap else { return features }
        // NVLabs' projection discriminator; the scale keeps the logit's size independent of cmapDim.
        return (features * cmap).sum(axes: [1], keepDims: true) * Float(1 / Double(cmap.shape[1]).squareRoot())
    }
}
