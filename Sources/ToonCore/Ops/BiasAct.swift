import Foundation

// Fused bias + activation + gain + clamp with NVLabs bias_act semantics:
// y = clamp(act(x + b) * gain, -c, c). The forward is one pass; the VJP multiplies by a constant
// slope mask, which is exact for these piecewise-linear activations, so gradients of gradients are
// the mask again (and zero through the mask itself), as in the NVLabs reference.

/// Activations available to `biasActivation`, with NVLabs' default gains.
public enum Activation: Sendable, Equatable {
    case linear
    case relu
    case leakyReLU(slope: Float = 0.2)

    /// NVLabs' default gain: 1 for linear, sqrt(2) for relu and leaky ReLU.
    public var defaultGain: Float {
        switch self {
        case .linear: return 1
        case .relu, .leakyReLU: return Float(2.0.squareRoot())
        }
    }

    /// The slope on the negative side (1 for linear).
    var negativeSlope: Float {
        switch self {
        case .linear: return 1
        case .relu: return 0
        case .leakyReLU(let slope): return slope
        }
    }
}

extension Tensor {
    /// NVLabs `bias_act`: adds `bias` (shape [shape[axis]]) along `axis`, applies `activation`,
    /// multiplies by `gain` (the activation's default when nil), then clamps to [-clamp, clamp]
    /// when `clamp` is given.
    public func biasActivation(_ bias: Tensor? = nil, axis: Int = 1, activation: Activation = .linear,
                               gain: Float? = nil, clamp: Float? = nil) -> Tensor {
        let axis = Shape.axis(axis, rank: rank)
        if let bias {
            precondition(bias.shape == [shape[axis]], "bias of shape \(bias.shape) does not match axis \(axis) of \(shape)")
        }
        precondition(clamp.map { $0 >= 0 } ?? true, "clamp must be non-negative")
        let gain = gain ?? activation.defaultGain
        let slope = activation.negativeSlope
        var out = biasActivationKernel(bias, axis: axis, slope: slope, gain: gain, clamp: clamp, slopes: false)
        let inputs = bias.map { [self, $0] } ?? [self]
        if inputs.contains(where: { $0.requiresGrad }) && GradMode.isEnabled {
            let reduceAxes = (0..<rank).filter { $0 != axis }
            out.recordHistory("biasActivation", inputs: inputs) { [self] g in
                let gz = g * self.biasActivationKernel(bias, axis: axis, slope: slope, gain: gain, clamp: clamp,
                                                       slopes: true)
                guard let bias else { return [gz] }
                return [gz, Tensor.isGradientNeeded(bias, index: 1) ? gz.sum(axes: reduceAxes).reshaped(bias.shape) : nil]
            }
        }
        return out
    }

    /// One pass over x: either y = clamp(act(x + b) * gain), or (`slopes`) dy/d(x + b), which is
    /// gain times the activation's slope and zero where the clamp applied. No history either way;
    /// the VJP recomputes the slopes from the inputs so it never captures the output.
    private func biasActivationKernel(_ bias: Tensor?, axis: Int, slope: Float, gain: Float, clamp: Float?,
                                      slopes: Bool) -> Tensor {
        guard isContiguous else {
            return contiguousValues().biasActivationKernel(bias, axis: axis, slope: slope, gain: gain, clamp: clamp, slopes: slopes)
        }
        let outer = Shape.count(Array(shape[..<axis])), channels = shape[axis]
        let inner = Shape.count(Array(shape[(axis + 1)...]))
        let out = Tensor(uninitializedShape: shape)
        let src = denseBase, dst = out.storage.pointer
        let b: [Float] = bias?.scalars ?? [Float](repeating: 0, count: channels)
        let hi = clamp ?? .infinity, lo = -hi
        let negative = slope * gain
        b.withUnsafeBufferPointer { b in
            Parallel.forEach(outer * channels, grain: Swift.max(1, 32_768 / Swift.max(inner, 1))) { rows in
                for r in rows {
                    let bc = b[r % channels], s = src + r * inner, d = dst + r * inner
                    if slopes {
                        for i in 0..<inner {
                            let z = s[i] + bc
                            let y = (z > 0 ? z : z * slope) * gain
                            d[i] = y >= lo && y <= hi ? (z > 0 ? gain : negative) : 0
                        }
                    } else {
                        for i in 0..<inner {
                            let z = s[i] + bc
                            let y = (z > 0 ? z : z * slope) * gain
                            d[i] = Swift.min(Swift.max(y, lo), hi)
                        }
                    }
                }
            }
        }
        return out
    }
}
