import Foundation
import ToonCore

/// Turns the tensor nodes torch pickles (`_rebuild_tensor_v2`, `_rebuild_parameter`) into Float32
/// tensors. Storages are found through the container: persistent ids (zip or legacy file) or
/// `torch.storage._load_from_bytes(bytes)` (an embedded legacy stream, as in NVLabs pickles).
public struct TorchTensorReader: Sendable {
    public static let rebuildTensor = PickleGlobal("torch._utils", "_rebuild_tensor_v2")
    public static let rebuildParameter = PickleGlobal("torch._utils", "_rebuild_parameter")
    public static let loadFromBytes = PickleGlobal("torch.storage", "_load_from_bytes")

    public let source: String
    public let machine: PickleMachine
    private let persistent: (@Sendable (PickleValue) throws(ToonIOError) -> TorchStorage)?
    private let streams = StreamCache()

    /// Embedded storage streams already parsed, by their place in the file: a file may share one
    /// stream among many tensors, and each is parsed once.
    private final class StreamCache: @unchecked Sendable {
        let lock = NSLock()
        var storages: [Key: TorchStorage] = [:]

        /// The cached storage keeps the owner alive, so its identifier is not reused meanwhile.
        struct Key: Hashable {
            let owner: ObjectIdentifier
            let range: Range<Int>
        }
    }

    /// `persistent` resolves the file's persistent ids; pass nil where a file has none.
    public init(source: String, machine: PickleMachine = PickleMachine(),
                persistent: (@Sendable (PickleValue) throws(ToonIOError) -> TorchStorage)? = nil) {
        self.source = source
        self.machine = machine
        self.persistent = persistent
    }

    /// True when `value` is a tensor or parameter node.
    public static func isTensor(_ value: PickleValue) -> Bool {
        value.object(of: rebuildTensor) != nil || value.object(of: rebuildParameter) != nil
    }

    /// The storage a tensor's first argument names.
    public func storage(_ value: PickleValue) throws(ToonIOError) -> TorchStorage {
        switch value {
        case .persistentID(let pid):
            guard let persistent else {
                throw ToonIOError(file: source, .checkpoint(.badContainer("storage reference in a file without storages")))
            }
            return try persistent(pid)
        case .object(let object) where object.global == Self.loadFromBytes:
            guard object.args.count == 1, case .bytes(let bytes) = object.args[0] else {
                throw ToonIOError(file: source, .checkpoint(.badContainer("_load_from_bytes without a bytes argument")))
            }
            let key = StreamCache.Key(owner: ObjectIdentifier(bytes.owner), range: bytes.range)
            if let done = streams.lock.withLock({ streams.storages[key] }) { return done }
            let stream = try TorchLegacyStream(bytes, source: "\(source) (storage stream at byte \(bytes.range.lowerBound))", machine: machine)
            guard case .persistentID(let pid) = stream.root else {
                throw ToonIOError(file: stream.source, .checkpoint(.badContainer("embedded stream does not hold a storage")))
            }
            let storage = try stream.storage(forPersistentID: pid)
            streams.lock.withLock { streams.storages[key] = storage }
            return storage
        default:
            throw ToonIOError(file: source, .checkpoint(.badContainer("expected a storage, found \(value.kindName)")))
        }
    }

    /// The tensor `value` describes, or nil when it is not a tensor node.
    public func tensor(_ value: PickleValue, name: String, counts: inout TensorLoadCounts) throws(ToonIOError) -> Tensor? {
        if let parameter = value.object(of: Self.rebuildParameter) {
            guard let inner = parameter.args.first, let t = try tensor(inner, name: name, counts: &counts) else {
                throw ToonIOError(file: source, .checkpoint(.badTensor(name, "parameter without a tensor")))
            }
            return t
        }
        guard let rebuild = value.object(of: Self.rebuildTensor) else { return nil }
        let args = rebuild.args
        guard args.count >= 4, let offset = args[1].int, let size = args[2].elements, let stride = args[3].elements else {
            throw ToonIOError(file: source, .checkpoint(.badTensor(name, "bad _rebuild_tensor_v2 arguments")))
        }
        let shape = size.compactMap(\.int)
        let strides = stride.compactMap(\.int)
        guard shape.count == size.count, strides.count == stride.count else {
            throw ToonIOError(file: source, .checkpoint(.badTensor(name, "size or stride is not a tuple of ints")))
        }
        let storage = try self.storage(args[0])
        return try TensorAssembly.make(name: name, source: source, shape: shape, strides: strides, offset: offset,
                                       element: storage.element, bigEndian: storage.bigEndian, data: storage.data,
                                       counts: &counts)
    }
}
