import ToonCore

/// Tensors by name, in the order the file lists them.
public struct TensorSet: Sendable {
    public private(set) var names: [String] = []
    private var byName: [String: Tensor] = [:]

    public init() {}

    public var count: Int { names.count }
    public var isEmpty: Bool { names.isEmpty }

    public subscript(name: String) -> Tensor? { byName[name] }

    /// (name, tensor) pairs in file order.
    public var entries: [(name: String, tensor: Tensor)] { names.map { ($0, byName[$0]!) } }

    /// Adds `tensor`; a name that is already present is an error in the file.
    public mutating func insert(_ tensor: Tensor, named name: String, source: String) throws(ToonIOError) {
        guard byName[name] == nil else { throw ToonIOError(file: source, .checkpoint(.badTensor(name, "appears twice"))) }
        names.append(name)
        byName[name] = tensor
    }
}
