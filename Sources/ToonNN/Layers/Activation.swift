import ToonCore

/// The activations StyleGAN2 layers use, with NVLabs' default gains (sqrt(2) for the ReLU family,
/// so that activations keep unit variance under equalized learning rate).
public enum Activation: Sendable, Equatable {
    case linear
    case relu
    case leakyReLU(slope: Float)

    public static let lrelu = Activation.leakyReLU(slope: 0.2)

    public var defaultGain: Float {
        switch self {
        case .linear: return 1
        case .relu, .leakyReLU: return Float(2).squareRoot()
        }
    }

    /// act(x + bias) * gain, bias broadcast along `axis`, then clamped to ±clamp when given.
    public func apply(_ x: Tensor, bias: Tensor?, axis: Int = 1, gain: Float = 1, clamp: Float? = nil) -> Tensor {
        var y = x
        if let bias {
            var shape = [Int](repeating: 1, count: x.rank)
            shape[axis] = bias.count
            y = y + bias.reshaped(shape)
        }
        switch self {
        case .linear: break
        case .relu: y = y.leakyReLU(slope: 0)
        case .leakyReLU(let slope): y = y.leakyReLU(slope: slope)
        }
        let totalGain = gain * defaultGain
        if totalGain != 1 { y = y * totalGain }
        if let clamp { y = y.clamped(to: -clamp...clamp) }
        return y
    }
}
