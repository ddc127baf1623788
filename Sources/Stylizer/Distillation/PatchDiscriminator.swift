import ToonCore
import ToonNN

/// The critic of distillation's adversarial loss: a conditional patch discriminator (pix2pix's idea
/// with StyleGAN's habits). It sees the student's input beside a cartoon, the real photo (and the
/// degree plane) joined with the teacher's or the student's drawing, and scores each patch of about
/// 2^(levels + 2) pixels: a map of logits [N, 1, H / 2^levels, W / 2^levels]. Equalized learning
/// rate, leaky ReLU with its gain, FIR-blurred stride-2 downsampling, residual blocks scaled by
/// sqrt(1/2) as StyleGAN2's resnet discriminator has them.
public struct PatchDiscriminator: Sendable {
    let fromRGB: EqualConv2d
    let blocks: [(conv0: EqualConv2d, conv1: EqualConv2d, skip: EqualConv2d)]
    let out: EqualConv2d
    let filter = setupFilter([1, 3, 3, 1])

    /// `inputChannels`: the condition's planes plus the cartoon's 3; `width` channels at full
    /// resolution, doubled at each of `levels` halvings (at most 256).
    public init(inputChannels: Int, width: Int, levels: Int) {
        precondition(inputChannels > 0 && width > 0 && levels > 0, "patch discriminator: \(inputChannels) inputs, width \(width), \(levels) levels")
        let lrelu = Activation.leakyReLU(slope: 0.2)
        func channels(_ level: Int) -> Int { min(width << level, max(width, 256)) }
        fromRGB = EqualConv2d("disc.from", inChannels: inputChannels, outChannels: channels(0), kernel: 1, activation: lrelu)
        blocks = (0..<levels).map { level in
            let (a, b) = (channels(level), channels(level + 1))
            return (EqualConv2d("disc.b\(level).conv0", inChannels: a, outChannels: a, kernel: 3, activation: lrelu),
                    EqualConv2d("disc.b\(level).conv1", inChannels: a, outChannels: b, kernel: 3, activation: lrelu),
                    EqualConv2d("disc.b\(level).skip", inChannels: a, outChannels: b, kernel: 1, bias: false))
        }
        out = EqualConv2d("disc.out", inChannels: channels(levels), outChannels: 1, kernel: 3)
    }

    /// Every parameter's name, shape and initialisation.
    public var spec: ParameterSpec {
        var spec = ParameterSpec()
        fromRGB.declare(into: &spec)
        for block in blocks {
            block.conv0.declare(into: &spec)
            block.conv1.declare(into: &spec)
            block.skip.declare(into: &spec)
        }
        out.declare(into: &spec)
        return spec
    }

    /// The patch logits of `x` [N, inputChannels, H, W] (sides divisible by 2^levels).
    public func callAsFunction(_ x: Tensor, _ p: ParameterStore) -> Tensor {
        var h = fromRGB(x, p)
        let half = Float(0.5).squareRoot()
        for block in blocks {
            let skip = block.skip(h, p, gain: half, downsampling: filter)
            h = block.conv1(block.conv0(h, p), p, gain: half, downsampling: filter)
            h = skip + h
        }
        return out(h, p)
    }

    /// What the discriminator sees: the condition (photo, and degree plane) joined with a cartoon.
    static func pair(condition: Tensor, cartoon: Tensor) -> Tensor {
        Tensor.concatenate([condition, cartoon], axis: 1)
    }
}
