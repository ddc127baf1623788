import ToonCore
import ToonNN

/// A fully convolutional image-to-image network (`StudentConfig`) built from StyleGAN's habits:
/// equalized learning rate, leaky ReLU with its gain, FIR-blurred down- and upsampling ([1, 3, 3, 1]),
/// and residual sums scaled by sqrt(1/2). Input and output are RGB in [-1, 1], [N, 3, H, W].
public struct StudentNetwork: Sendable {
    public let config: StudentConfig
    let encoder: [EqualConv2d]
    let bridge: [(EqualConv2d, EqualConv2d)]
    let decoder: [EqualConv2d]
    let toRGB: EqualConv2d
    let filter = setupFilter([1, 3, 3, 1])

    public init(_ config: StudentConfig) {
        precondition(config.problem == nil, "student: \(config.problem!)")
        self.config = config
        let lrelu = Activation.leakyReLU(slope: 0.2)
        var encoder = [EqualConv2d("enc0", inChannels: config.inputChannels, outChannels: config.channels(0), kernel: 3, activation: lrelu)]
        for level in 1...config.levels {
            encoder.append(EqualConv2d("enc\(level)", inChannels: config.channels(level - 1), outChannels: config.channels(level),
                                       kernel: 3, activation: lrelu))
        }
        let deepest = config.channels(config.levels)
        bridge = (0..<config.bridgeBlocks).map { block in
            (EqualConv2d("bridge\(block).conv0", inChannels: deepest, outChannels: deepest, kernel: 3, activation: lrelu),
             EqualConv2d("bridge\(block).conv1", inChannels: deepest, outChannels: deepest, kernel: 3, activation: lrelu))
        }
        // Decoder level l takes the upsampled level l + 1 joined with the encoder's level l.
        decoder = (0..<config.levels).reversed().map { level in
            EqualConv2d("dec\(level)", inChannels: config.channels(level + 1) + config.channels(level),
                        outChannels: config.channels(level), kernel: 3, activation: lrelu)
        }
        toRGB = EqualConv2d("torgb", inChannels: config.channels(0), outChannels: 3, kernel: 1)
        self.encoder = encoder
    }

    /// Every parameter's name, shape and initialisation.
    public var spec: ParameterSpec {
        var spec = ParameterSpec()
        for layer in encoder { layer.declare(into: &spec) }
        for (a, b) in bridge { a.declare(into: &spec); b.declare(into: &spec) }
        for layer in decoder { layer.declare(into: &spec) }
        toRGB.declare(into: &spec)
        return spec
    }

    /// The stylized images of `x` [N, 3, H, W] (H and W divisible by 2^levels); `degree` [N] is
    /// required exactly when the config has a degree input. Differentiable in x and the parameters.
    public func callAsFunction(_ x: Tensor, degree: Tensor? = nil, _ p: ParameterStore) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == 3, "student input \(x.shape), expected [N, 3, H, W]")
        let step = 1 << config.levels
        precondition(x.shape[2] % step == 0 && x.shape[3] % step == 0,
                     "student input \(x.shape[2])x\(x.shape[3]): sides must divide by \(step)")
        precondition((degree != nil) == config.degreeInput && (degree.map { $0.shape == [x.shape[0]] } ?? true),
                     "student: a degree [N] is needed exactly when the config has a degree input")
        var skips: [Tensor] = []
        var h = encoder[0](Self.planes(x, degree: degree), p)
        for level in 1...config.levels {
            skips.append(h)
            h = encoder[level](h, p, downsampling: filter)
        }
        for (a, b) in bridge {
            h = (h + b(a(h, p), p)) * Float(0.5).squareRoot()
        }
        for (index, layer) in decoder.enumerated() {
            let level = config.levels - 1 - index
            h = layer(joined: [h.upsample2d(filter), skips[level]], p)
        }
        return toRGB(h, p)
    }

    /// The input planes: the images, and the degree [N] as one more constant plane when given.
    static func planes(_ x: Tensor, degree: Tensor?) -> Tensor {
        guard let degree else { return x }
        let plane = degree.reshaped([x.shape[0], 1, 1, 1]).expanded(to: [x.shape[0], 1, x.shape[2], x.shape[3]])
        return Tensor.concatenate([x, plane.contiguous()], axis: 1)
    }
}
