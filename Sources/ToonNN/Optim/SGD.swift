import ToonCore

/// Stochastic gradient descent with optional momentum (PyTorch's formulation: v = mu v + g; p -= lr v).
public struct SGD: Optimizer, Sendable {
    public var learningRate: Float
    public let momentum: Float
    public private(set) var velocities: [String: Tensor] = [:]

    public init(learningRate: Float, momentum: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
    }

    public mutating func step(_ parameters: inout ParameterStore, gradients: [String: Tensor]) {
        let (lr, mu) = (learningRate, momentum)
        for name in parameters.names {
            guard let g = gradients[name] else { continue }
            var p = parameters[name].detached()
            precondition(g.shape == p.shape, "gradient for \(name) has shape \(g.shape), parameter \(p.shape)")
            var v = velocities[name] ?? Tensor.zeros(p.shape)
            g.withUnsafeBufferPointer { gb in
                v.withUnsafeMutableBufferPointer { vb in
                    p.withUnsafeMutableBufferPointer { pb in
                        for i in 0..<pb.count {
                            vb[i] = mu * vb[i] + gb[i]
                            pb[i] -= lr * vb[i]
                        }
                    }
                }
            }
            if mu != 0 { velocities[name] = v }
            parameters.update(name, to: p)
        }
    }
}
