import ToonCore

/// NVLabs PyTorch snapshots (stylegan2-ada-pytorch, stylegan3): a dict whose networks are
/// `torch_utils.persistence._reconstruct_persistent_obj(meta)`, where meta holds the module's source
/// (kept as text, never run), class name and `state` (the module's `__dict__`). Tensors are the
/// modules' `_parameters` and `_buffers`, named by the `_modules` path (`synthesis.b64.conv0.weight`),
/// each `_rebuild_parameter` / `_rebuild_tensor_v2` over `torch.storage._load_from_bytes(bytes)`.
enum NVLabsDecoder {
    static let persistent = PickleGlobal("torch_utils.persistence", "_reconstruct_persistent_obj")

    /// The meta dict of a persistent object.
    static func meta(_ value: PickleValue) -> PickleValue? {
        guard let object = value.object(of: persistent), object.args.count == 1 else { return nil }
        return object.args[0]
    }

    static func matches(_ root: PickleValue) -> Bool {
        guard let pairs = root.dictPairs else { return false }
        return pairs.contains { meta($0.1) != nil }
    }

    static func decode(_ root: PickleValue, reader: TorchTensorReader, fileSize: Int) throws(ToonIOError) -> ForeignCheckpoint {
        let source = reader.source
        var counts = TensorLoadCounts(fileSize: fileSize)
        var budget = VisitBudget(source: source)
        var networks: [(String, TensorSet)] = []
        var configs: [String: PickleValue] = [:]
        var values: [String: PickleValue] = [:]
        for (keyValue, value) in root.dictPairs ?? [] {
            guard let key = keyValue.string else { continue }
            guard let meta = meta(value) else {
                values[key] = ConfigValues.plain(value)
                continue
            }
            var set = TensorSet()
            try collect(meta, prefix: "", into: &set, reader: reader, counts: &counts, budget: &budget, depth: 0)
            networks.append((key, set))
            configs[key] = config(meta)
        }
        let keys = networks.map(\.0)
        guard let generator = ["G_ema", "G"].first(where: keys.contains) else {
            throw ToonIOError(file: source, .checkpoint(.notStyleGAN("NVLabs pickle without G_ema or G (has \(keys.joined(separator: ", ")))")))
        }
        let set = networks.first { $0.0 == generator }!.1
        let format: ForeignCheckpoint.Format = set.names.contains { $0.hasPrefix("synthesis.input.") } ? .stylegan3 : .nvlabsPyTorch
        return ForeignCheckpoint(source: source, format: format, generatorName: generator, networks: networks,
                                 configs: configs, tensors: [:], values: values, counts: counts)
    }

    private static func collect(_ meta: PickleValue, prefix: String, into set: inout TensorSet, reader: TorchTensorReader,
                                counts: inout TensorLoadCounts, budget: inout VisitBudget, depth: Int) throws(ToonIOError) {
        let source = reader.source
        try budget.spend()
        guard depth < 64 else { throw ToonIOError(file: source, .checkpoint(.limitExceeded("modules nested deeper than 64", at: nil))) }
        guard let state = meta["state"], state.dictPairs != nil else {
            throw ToonIOError(file: source, .checkpoint(.badContainer("persistent object \(prefix) has no state dict")))
        }
        for group in ["_parameters", "_buffers"] {
            for (keyValue, value) in state[group]?.dictPairs ?? [] {
                guard let key = keyValue.string else { continue }
                if value.isNone { continue }
                try budget.spend()
                guard let tensor = try reader.tensor(value, name: prefix + key, counts: &counts) else {
                    throw ToonIOError(file: source, .checkpoint(.badTensor(prefix + key, "is a \(value.kindName), not a tensor")))
                }
                try set.insert(tensor, named: prefix + key, source: source)
            }
        }
        for (keyValue, value) in state["_modules"]?.dictPairs ?? [] {
            guard let key = keyValue.string else { continue }
            if value.isNone { continue }
            guard let child = Self.meta(value) else {
                throw ToonIOError(file: source, .checkpoint(.unsupported("module \(prefix + key) is a \(value.kindName), not an NVLabs persistent module")))
            }
            try collect(child, prefix: prefix + key + ".", into: &set, reader: reader, counts: &counts, budget: &budget, depth: depth + 1)
        }
    }

    /// init_kwargs as stored (numbers plain), with init_args and the class name when present.
    private static func config(_ meta: PickleValue) -> PickleValue {
        var pairs = ConfigValues.plain(meta["state"]?["_init_kwargs"] ?? .dict([])).dictPairs ?? []
        if let args = meta["state"]?["_init_args"]?.elements, !args.isEmpty {
            pairs.append((.string("init_args"), ConfigValues.plain(.tuple(args))))
        }
        if let name = meta["class_name"] { pairs.append((.string("class_name"), name)) }
        return .dict(pairs)
    }
}
