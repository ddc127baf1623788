import ToonCore

/// A model's parameters by dotted name path (`synthesis.b64.conv0.weight`), in declaration order.
///
/// Layers hold no tensors of their own: they read them from a store by name, so loaders are tables
/// of names, optimizers update tensors by name, and training swaps in a store whose tensors
/// require gradients without touching the layers.
public struct ParameterStore: Sendable {
    public private(set) var names: [String] = []
    private var tensors: [String: Tensor] = [:]

    public init() {}

    /// A store holding `pairs` in the given order; names must be unique.
    public init(_ pairs: [(String, Tensor)]) {
        for (name, tensor) in pairs { insert(tensor, named: name) }
    }

    public var count: Int { names.count }
    /// Total number of scalars across all parameters.
    public var scalarCount: Int { names.reduce(0) { $0 + tensors[$1]!.count } }

    /// The parameter `name`; a missing name is a programming error (strict loading catches it first).
    public subscript(name: String) -> Tensor {
        guard let t = tensors[name] else { preconditionFailure("no parameter named \(name)") }
        return t
    }

    public func contains(_ name: String) -> Bool { tensors[name] != nil }

    /// Adds a new parameter at the end of the order.
    public mutating func insert(_ tensor: Tensor, named name: String) {
        precondition(tensors[name] == nil, "duplicate parameter \(name)")
        names.append(name)
        tensors[name] = tensor
    }

    /// Replaces an existing parameter's value; the shape must not change.
    public mutating func update(_ name: String, to tensor: Tensor) {
        guard let old = tensors[name] else { preconditionFailure("no parameter named \(name)") }
        precondition(old.shape == tensor.shape, "parameter \(name): shape \(tensor.shape) replaces \(old.shape)")
        tensors[name] = tensor
    }

    /// Pairs in declaration order.
    public var pairs: [(name: String, tensor: Tensor)] { names.map { ($0, tensors[$0]!) } }

    /// The same values as gradient leaves, for a training step.
    public func requiringGrad() -> ParameterStore {
        ParameterStore(pairs.map { ($0.name, $0.tensor.requiringGrad()) })
    }

    /// Parameters whose names start with `prefix` followed by a dot, with the prefix removed.
    public func scoped(_ prefix: String) -> ParameterStore {
        let head = prefix + "."
        return ParameterStore(pairs.compactMap { p in
            p.name.hasPrefix(head) ? (String(p.name.dropFirst(head.count)), p.tensor) : nil
        })
    }
}
