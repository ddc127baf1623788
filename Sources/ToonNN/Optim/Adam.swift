import Foundation
import ToonCore

/// Adam with PyTorch's bias correction. StyleGAN2 trains with betas (0, 0.99) and eps 1e-8.
public struct Adam: Optimizer, Sendable {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    /// Steps taken; with the moments it is everything needed to resume training exactly.
    public private(set) var stepCount = 0
    public private(set) var firstMoments: [String: Tensor] = [:]
    public private(set) var secondMoments: [String: Tensor] = [:]

    public init(learningRate: Float, betas: (Float, Float) = (0.9, 0.999), epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = betas.0
        self.beta2 = betas.1
        self.epsilon = epsilon
    }

    /// StyleGAN2's setting: lr 0.002, betas (0, 0.99), eps 1e-8.
    public static func styleGAN2(learningRate: Float = 0.002) -> Adam {
        Adam(learningRate: learningRate, betas: (0, 0.99), epsilon: 1e-8)
    }

    /// Restores saved state (moments by parameter name and the step count).
    public mutating func restore(stepCount: Int, firstMoments: [String: Tensor], secondMoments: [String: Tensor]) {
        self.stepCount = stepCount
        self.firstMoments = firstMoments
        self.secondMoments = secondMoments
    }

    public mutating func step(_ parameters: inout ParameterStore, gradients: [String: Tensor]) {
        stepCount += 1
        let correction1 = 1 - Foundation.pow(beta1, Float(stepCount))
        let correction2 = 1 - Foundation.pow(beta2, Float(stepCount))
        let stepSize = learningRate / correction1
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        for name in parameters.names {
            guard let g = gradients[name] else { continue }
            var p = parameters[name].detached()
            precondition(g.shape == p.shape, "gradient for \(name) has shape \(g.shape), parameter \(p.shape)")
            // Taken out of the dictionaries so the in-place update below does not copy them.
            var m = firstMoments.removeValue(forKey: name) ?? Tensor.zeros(p.shape)
            var v = secondMoments.removeValue(forKey: name) ?? Tensor.zeros(p.shape)
            g.withUnsafeBufferPointer { gb in
                m.withUnsafeMutableBufferPointer { mb in
                    v.withUnsafeMutableBufferPointer { vb in
                        p.withUnsafeMutableBufferPointer { pb in
                            for i in 0..<pb.count {
                                mb[i] = b1 * mb[i] + (1 - b1) * gb[i]
                                vb[i] = b2 * vb[i] + (1 - b2) * gb[i] * gb[i]
                                let denominator = (vb[i] / correction2).squareRoot() + eps
                                pb[i] -= stepSize * mb[i] / denominator
                            }
                        }
                    }
                }
            }
            firstMoments[name] = m
            secondMoments[name] = v
            parameters.update(name, to: p)
        }
    }
}
