/// A `module.name` reference read from a pickle. It is only ever a name: nothing is imported or called.
public struct PickleGlobal: Hashable, Sendable, CustomStringConvertible {
    public let module: String
    public let name: String

    public init(_ module: String, _ name: String) {
        self.module = module
        self.name = name
    }

    public var description: String { "\(module).\(name)" }
}

/// An allow-listed object the pickle asked to construct, kept as data: the global it named, the
/// arguments it passed, and whatever the pickle then added to it (BUILD state, APPENDS, SETITEMS).
/// Decoders give these meaning; the pickle machine never does.
public struct PickleObject: Sendable {
    /// The class or function the object came from.
    public let global: PickleGlobal
    /// Positional arguments of REDUCE / NEWOBJ / NEWOBJ_EX / INST / OBJ.
    public let args: [PickleValue]
    /// Keyword arguments of NEWOBJ_EX.
    public let keywordArgs: [(PickleValue, PickleValue)]
    /// The BUILD argument, if any.
    public let state: PickleValue?
    /// Items added with APPEND / APPENDS (list subclasses).
    public let listItems: [PickleValue]
    /// Items added with SETITEM / SETITEMS (dict subclasses such as OrderedDict and EasyDict).
    public let dictItems: [(PickleValue, PickleValue)]

    public init(global: PickleGlobal, args: [PickleValue], keywordArgs: [(PickleValue, PickleValue)] = [],
                state: PickleValue? = nil, listItems: [PickleValue] = [], dictItems: [(PickleValue, PickleValue)] = []) {
        self.global = global
        self.args = args
        self.keywordArgs = keywordArgs
        self.state = state
        self.listItems = listItems
        self.dictItems = dictItems
    }

    /// The pairs of a dict-like object: those its constructor was given as one list of [key, value]
    /// pairs (old torch.save files spell a state dict `OrderedDict([[k, v], ...])`), then those
    /// added with SETITEM / SETITEMS.
    public var pairs: [(PickleValue, PickleValue)] {
        guard args.count == 1, let items = args[0].elements else { return dictItems }
        let given = items.compactMap { item -> (PickleValue, PickleValue)? in
            guard let pair = item.elements, pair.count == 2 else { return nil }
            return (pair[0], pair[1])
        }
        return given.count == items.count ? given + dictItems : dictItems
    }
}

/// A plain value built by the pickle machine. Shared sub-values (memo references) share storage.
public indirect enum PickleValue: Sendable {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer too wide for `Int`: little-endian two's complement bytes.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes(ByteSlice)
    case list([PickleValue])
    case tuple([PickleValue])
    /// A dict as its ordered (key, value) pairs.
    case dict([(PickleValue, PickleValue)])
    case set([PickleValue], frozen: Bool)
    /// A reference to an allow-listed class or function that was not called.
    case global(PickleGlobal)
    /// An allow-listed object, kept as data.
    case object(PickleObject)
    /// A persistent id (BINPERSID / PERSID): the file's own reference to out-of-band data such as a
    /// torch storage; resolved by the container that knows where that data lives.
    case persistentID(PickleValue)
}

extension PickleValue {
    public var isNone: Bool { if case .none = self { true } else { false } }

    public var string: String? { if case .string(let s) = self { s } else { nil } }

    public var int: Int? {
        switch self {
        case .int(let i): i
        case .bool(let b): b ? 1 : 0
        default: nil
        }
    }

    public var bool: Bool? {
        switch self {
        case .bool(let b): b
        case .int(let i): i != 0
        default: nil
        }
    }

    public var double: Double? {
        switch self {
        case .float(let d): d
        case .int(let i): Double(i)
        default: nil
        }
    }

    /// Elements of a list or tuple.
    public var elements: [PickleValue]? {
        switch self {
        case .list(let items), .tuple(let items): items
        default: nil
        }
    }

    /// Pairs of a dict, or of a dict-like allow-listed object (OrderedDict, EasyDict).
    public var dictPairs: [(PickleValue, PickleValue)]? {
        switch self {
        case .dict(let pairs): pairs
        case .object(let object): object.pairs
        default: nil
        }
    }

    /// The value stored under the string key `key` of a dict-like value.
    public subscript(key: String) -> PickleValue? {
        guard let pairs = dictPairs else { return nil }
        for (k, v) in pairs where k.string == key { return v }
        return nil
    }

    /// The allow-listed object, when this is one made from `global`.
    public func object(of global: PickleGlobal) -> PickleObject? {
        if case .object(let object) = self, object.global == global { return object }
        return nil
    }

    /// Short name of the kind of value, for error messages.
    public var kindName: String {
        switch self {
        case .none: "None"
        case .bool: "bool"
        case .int, .bigInt: "int"
        case .float: "float"
        case .string: "str"
        case .bytes: "bytes"
        case .list: "list"
        case .tuple: "tuple"
        case .dict: "dict"
        case .set(_, let frozen): frozen ? "frozenset" : "set"
        case .global(let g): "global \(g)"
        case .object(let o): "\(o.global) object"
        case .persistentID: "persistent id"
        }
    }
}
