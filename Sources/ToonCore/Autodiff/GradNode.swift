/// One step of recorded history: which tensors an op read, and how to turn the gradient of its
/// output into gradients of those inputs (the vector-Jacobian product).
///
/// The VJP closure captures the op's inputs (and other saved values), never its own output, so
/// the graph holds no reference cycles. VJPs are written with differentiable tensor ops: run while
/// recording, they build the graph of the gradient itself, which is how gradients of gradients work.
public final class GradNode: @unchecked Sendable {
    /// Parents, in the order the VJP returns their gradients; nil for inputs that need none.
    let inputs: [GradNode?]
    /// nil for a leaf (a tensor marked with `requiringGrad()`).
    let vjp: ((Tensor) -> [Tensor?])?
    let shape: [Int]
    let name: String

    init(name: String, shape: [Int], inputs: [GradNode?], vjp: ((Tensor) -> [Tensor?])?) {
        self.name = name
        self.shape = shape
        self.inputs = inputs
        self.vjp = vjp
    }
}

/// Whether ops record history. Recording happens only when it is enabled and some input requires a
/// gradient, so inference on plain tensors never allocates a node.
public enum GradMode {
    @TaskLocal static var isDisabled = false

    /// True when ops currently record history for inputs that require gradients.
    public static var isEnabled: Bool { !isDisabled }
}

/// Which inputs of the op whose VJP is running need a gradient: those through which the walk in
/// `gradients(of:wrt:)` reaches a tensor it was asked about. R1 asks for the gradient of D with
/// respect to its input while D's weights require gradients too; with this, no conv computes a
/// weight gradient that nothing asked for.
enum GradientRequest {
    @TaskLocal static var needed: [Bool]? = nil
}

extension Tensor {
    /// Whether the VJP now running must compute the gradient of its input number `index`, which is `input`.
    static func isGradientNeeded(_ input: Tensor, index: Int) -> Bool {
        guard input.requiresGrad else { return false }
        guard let needed = GradientRequest.needed, index < needed.count else { return true }
        return needed[index]
    }
}

/// Runs `body` without recording any history (inference, optimizer updates, gradient application).
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isDisabled.withValue(true, operation: body)
}

/// Runs `body` with recording enabled, even inside `withoutGradients`.
public func withGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isDisabled.withValue(false, operation: body)
}

extension Tensor {
    /// True when this tensor is a leaf that requires a gradient or was computed from one.
    public var requiresGrad: Bool { node != nil }

    /// The same values as a leaf of a new graph: gradients can be taken with respect to it.
    public func requiringGrad() -> Tensor {
        var t = Tensor(shape: shape, strides: strides, storage: storage, offset: offset)
        t.node = GradNode(name: "leaf", shape: shape, inputs: [], vjp: nil)
        return t
    }

    /// The same values with no history: gradients do not flow through it.
    public func detached() -> Tensor {
        Tensor(shape: shape, strides: strides, storage: storage, offset: offset)
    }

    /// True when an op on these inputs must record its history (also how callers pick an
    /// inference-only fast path).
    @inlinable public static func shouldRecord(_ inputs: Tensor...) -> Bool {
        inputs.contains { $0.node != nil } && GradMode.isEnabled
    }

    /// Attaches history to an op's freshly computed output. The VJP receives the output gradient and
    /// returns one gradient per input (nil where an input needs none), each of that input's shape.
    mutating func recordHistory(_ name: String, inputs: [Tensor], vjp: @escaping (Tensor) -> [Tensor?]) {
        node = GradNode(name: name, shape: shape, inputs: inputs.map(\.node), vjp: vjp)
    }
}
