import StyleGAN
import ToonCore
import ToonNN

/// The settings of an original StyleGAN (v1) discriminator (NVlabs/stylegan `D_basic`) beyond what
/// `DiscriminatorConfig` holds, with networks_stylegan.py's defaults. `DiscriminatorConfig` supplies
/// resolution, image channels, widths (channelBase = 2 fmap_base, channelMax = fmap_max), the
/// minibatch-stddev group and features, and the label count; its `resampleFilter` and `convClamp`
/// do not apply to v1.
public struct StyleGAN1DiscriminatorSettings: Codable, Equatable, Sendable {
    /// Every layer's activation but the last (`nonlinearity`).
    public var nonlinearity: StyleGAN1Config.Nonlinearity = .lrelu
    /// Equalized learning rate (`use_wscale`).
    public var useWScale = true
    /// The low-pass filter before each downsampling conv (`blur_filter`); empty for none.
    public var blurFilter: [Float] = [1, 2, 1]
    /// `fused_scale`; both forms compute the same function for downsampling (see `BasicDiscriminator`).
    public var fusedScale: StyleGAN1Config.FusedScale = .auto
    /// `mbstd_group_size > 1`: whether the 4x4 block appends the minibatch standard deviation.
    public var minibatchStd = true

    /// networks_stylegan.py's defaults.
    public init() {}
}

/// NVlabs/stylegan's `D_basic`: fromRGB (1x1 conv) at the input resolution, per resolution a 3x3
/// conv, the blur and a 3x3 conv that halves the resolution, then at 4x4 minibatch stddev, a 3x3
/// conv and two dense layers; a conditional D scores `sum(out * labels)` (LabelSwitch). Gains sit
/// in the weight as v1 has them: act(conv(x, w * gain / sqrt(fan_in)) + b). Progressive growing's
/// `lod` blends the first block run with fromRGB of the average-pooled image, as the official code does.
/// Names: `lod`; `b{R}.fromrgb.*` for every R from the input down to 4 (FromRGB_lod{n}); `b{R}.conv0.*`,
/// `b{R}.conv1.*` (Conv0, Conv1_down); `b4.conv.*`, `b4.fc.*` (Dense0), `b4.out.*` (Dense1). Convolution
/// weights [O, I, k, k], dense weights [out, in].
struct BasicDiscriminator: Sendable {
    let config: DiscriminatorConfig
    let settings: StyleGAN1DiscriminatorSettings
    let blur: FIRFilter?
    /// The resolutions with a downsampling block, largest first (R, ..., 8); their index is the level.
    let resolutions: [Int]

    init(_ config: DiscriminatorConfig, _ settings: StyleGAN1DiscriminatorSettings) {
        self.config = config
        self.settings = settings
        blur = settings.blurFilter.isEmpty ? nil : setupFilter(settings.blurFilter)
        resolutions = config.blockResolutions
    }

    /// The level of the 4x4 block: the largest lod.
    var maximumLod: Float { Float(resolutions.count) }
    private var stdFeatures: Int { settings.minibatchStd ? config.mbstdChannels : 0 }
    private var outputs: Int { max(config.labelDimension, 1) }
    private var activation: Activation { settings.nonlinearity == .lrelu ? .leakyReLU(slope: 0.2) : .relu }

    var spec: ParameterSpec {
        var spec = ParameterSpec()
        let c = config.channels(at:)
        spec.declare("lod", shape: [], .zeros)
        for r in resolutions + [4] { declare(&spec, "b\(r).fromrgb", [c(r), config.imageChannels, 1, 1], gain: Self.gain) }
        for r in resolutions {
            declare(&spec, "b\(r).conv0", [c(r), c(r), 3, 3], gain: Self.gain)
            declare(&spec, "b\(r).conv1", [c(r / 2), c(r), 3, 3], gain: Self.gain)
        }
        declare(&spec, "b4.conv", [c(4), c(4) + stdFeatures, 3, 3], gain: Self.gain)
        declare(&spec, "b4.fc", [c(2), c(4) * 16], gain: Self.gain)
        declare(&spec, "b4.out", [outputs, c(2)], gain: 1)
        return spec
    }

    /// sqrt(2), the gain of every layer but the last.
    static let gain = Float(2).squareRoot()

    /// get_weight's initialisation: N(0, 1) under wscale, else N(0, gain / sqrt(fan_in)); biases zero.
    private func declare(_ spec: inout ParameterSpec, _ name: String, _ shape: [Int], gain: Float) {
        let fanIn = shape.dropFirst().reduce(1, *)
        spec.declare("\(name).weight", shape: shape, .normal(scale: settings.useWScale ? 1 : gain / Float(fanIn).squareRoot()))
        spec.declare("\(name).bias", shape: [shape[0]], .zeros)
    }

    /// get_weight's runtime coefficient: gain / sqrt(fan_in) under wscale, else 1.
    private func weight(_ name: String, _ p: ParameterStore, gain: Float) -> Tensor {
        let w = p["\(name).weight"]
        guard settings.useWScale else { return w }
        return w * (gain / Float(w.shape.dropFirst().reduce(1, *)).squareRoot())
    }

    private func conv(_ x: Tensor, _ name: String, _ p: ParameterStore) -> Tensor {
        let w = weight(name, p, gain: Self.gain)
        return x.conv2d(w, padding: w.shape[2] / 2).biasActivation(p["\(name).bias"], activation: activation, gain: 1)
    }

    /// fromRGB of the image average-pooled to the resolution of `level` (downscale2d).
    private func fromRGB(_ images: Tensor, level: Int, _ p: ParameterStore) -> Tensor {
        let x = level == 0 ? images : images.avgPool2d(kernel: 1 << level)
        return conv(x, "b\(config.imageResolution >> level).fromrgb", p)
    }

    /// Conv0, the blur, then Conv1_down. NVLabs' fused form (a stride-2 conv with the 3x3 kernel
    /// summed over the four 1-pixel shifts, x 0.25) and the unfused one (3x3 conv, then 2x2 average
    /// pooling) are the same function, so both run as the fused one, a quarter of the work.
    private func block(_ x: Tensor, resolution r: Int, _ p: ParameterStore) -> Tensor {
        var y = conv(x, "b\(r).conv0", p)
        if let blur {
            let before = (blur.width - 1) / 2, after = blur.width - 1 - before
            y = y.upfirdn2d(blur, padding: ResamplePadding(x0: before, x1: after, y0: before, y1: after), flipFilter: true)
        }
        let padded = weight("b\(r).conv1", p, gain: Self.gain).padded([(0, 0), (0, 0), (1, 1), (1, 1)])
        func shift(_ dy: Int, _ dx: Int) -> Tensor { padded.slice(axis: 2, dy..<(dy + 4)).slice(axis: 3, dx..<(dx + 4)) }
        let kernel = (shift(0, 0) + shift(0, 1) + shift(1, 0) + shift(1, 1)) * 0.25
        return y.conv2d(kernel, stride: 2, padding: 1).biasActivation(p["b\(r).conv1.bias"], activation: activation, gain: 1)
    }

    /// Freeze-D's first `count` layers from the input (the top fromRGB, then each block's conv0 and
    /// conv1), and always `lod`, a setting that training must not move.
    func frozenNames(firstLayers count: Int) -> Set<String> {
        let layers = ["b\(config.imageResolution).fromrgb"] + resolutions.flatMap { ["b\($0).conv0", "b\($0).conv1"] }
        return Set(layers.prefix(max(count, 0)).flatMap { ["\($0).weight", "\($0).bias"] } + ["lod"])
    }

    /// images [N, C, R, R], labels [N, labels] for a conditional D -> scores [N, 1].
    func callAsFunction(_ images: Tensor, labels: Tensor?, _ p: ParameterStore) -> Tensor {
        let lod = p["lod"].scalar
        // Blocks above floor(lod) do not run: their blend weight with the pooled image is 1.
        let start = min(Int(lod.rounded(.down)), resolutions.count)
        var x = fromRGB(images, level: start, p)
        for level in start..<resolutions.count {
            x = block(x, resolution: resolutions[level], p)
            let t = lod - Float(level)
            if t > 0 { x = x + (fromRGB(images, level: level + 1, p) - x) * t }
        }
        if settings.minibatchStd { x = x.appendingMinibatchStd(groupSize: config.mbstdGroupSize, channels: config.mbstdChannels) }
        x = conv(x, "b4.conv", p)
        x = x.flattenedBatch().matmul(weight("b4.fc", p, gain: Self.gain), transposeOther: true)
            .biasActivation(p["b4.fc.bias"], activation: activation, gain: 1)
        let scores = x.matmul(weight("b4.out", p, gain: 1), transposeOther: true).biasActivation(p["b4.out.bias"])
        guard config.isConditional else { return scores }
        guard let labels else { preconditionFailure("discriminator: this D is conditional and needs labels") }
        return (scores * labels).sum(axes: [1], keepDims: true)
    }
}
