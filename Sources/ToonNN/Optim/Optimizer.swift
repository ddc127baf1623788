import ToonCore

/// Updates parameters in place from their gradients, both addressed by name.
public protocol Optimizer {
    /// Applies one step. `gradients` holds a gradient for each parameter to update; parameters
    /// without one are left alone.
    mutating func step(_ parameters: inout ParameterStore, gradients: [String: Tensor])
}

extension ParameterStore {
    /// Gradients of `loss` with respect to `leaves` (a store returned by `requiringGrad()`), by name.
    public func gradients(of loss: Tensor, leaves: ParameterStore, createGraph: Bool = false) -> [String: Tensor] {
        let grads = ToonCore.gradients(of: loss, wrt: leaves.pairs.map(\.tensor), createGraph: createGraph)
        return Dictionary(uniqueKeysWithValues: zip(leaves.names, grads))
    }
}
