/// One torch storage: a run of elements of one type, pointing into the file.
public struct TorchStorage: Sendable {
    public let element: StoredElement
    public let data: ByteSlice
    public let bigEndian: Bool

    public init(element: StoredElement, data: ByteSlice, bigEndian: Bool) {
        self.element = element
        self.data = data
        self.bigEndian = bigEndian
    }

    /// Number of whole elements.
    public var count: Int { data.count / element.size }

    /// The element type torch names with a typed storage class such as `torch.FloatStorage`.
    public static func element(forStorageClass global: PickleGlobal) -> StoredElement? {
        guard global.module == "torch" else { return nil }
        switch global.name {
        case "FloatStorage": return .float32
        case "DoubleStorage": return .float64
        case "HalfStorage": return .float16
        case "BFloat16Storage": return .bfloat16
        case "LongStorage": return .int64
        case "IntStorage": return .int32
        case "ShortStorage": return .int16
        case "CharStorage": return .int8
        case "ByteStorage": return .uint8
        case "BoolStorage": return .bool
        default: return nil
        }
    }
}

/// A storage reference as torch pickles it: `('storage', torch.FloatStorage, key, location, numel)`,
/// with a sixth element `(view_key, offset, size)` or None in the legacy stream.
public struct TorchStorageReference: Sendable {
    public let element: StoredElement
    public let key: String
    public let count: Int
    /// For legacy views of a part of storage `key`: the view's own key, its element offset and count.
    public let view: (key: String, offset: Int, count: Int)?

    public init(_ pid: PickleValue, source: String) throws(ToonIOError) {
        func fail(_ why: String) -> ToonIOError { ToonIOError(file: source, .checkpoint(.badContainer("storage reference: \(why)"))) }
        guard let parts = pid.elements, parts.count >= 5, parts[0].string == "storage" else {
            throw fail("expected ('storage', type, key, location, size), found \(pid.kindName)")
        }
        guard case .global(let cls) = parts[1], let element = TorchStorage.element(forStorageClass: cls) else {
            throw fail("unknown storage type \(parts[1].kindName)")
        }
        guard let key = parts[2].string ?? parts[2].int.map(String.init) else { throw fail("key is not a string") }
        guard let count = parts[4].int, count >= 0 else { throw fail("size is not a count") }
        self.element = element
        self.key = key
        self.count = count
        if parts.count > 5, let view = parts[5].elements {
            guard view.count == 3, let viewKey = view[0].string, let offset = view[1].int, let size = view[2].int,
                  offset >= 0, size >= 0 else {
                throw fail("bad view description")
            }
            self.view = (viewKey, offset, size)
        } else {
            self.view = nil
        }
    }
}
