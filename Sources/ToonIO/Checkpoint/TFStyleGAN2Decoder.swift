import ToonCore

/// NVLabs TF1 StyleGAN2 pickles (and StyleGAN v1's, which `TFStyleGAN1Decoder` tells apart): `(G, D, Gs)`, each a `dnnlib.tflib.network.Network` made with NEWOBJ
/// and given its state by BUILD (version, name, static_kwargs, components, build_module_src,
/// build_func_name, variables). Variables are `(name, numpy array)` pairs; components are networks
/// whose variables are named under the component's key, as NVLabs' legacy.py flattens them
/// (`synthesis/64x64/Conv0_up/weight`). The build module source is kept as text and never run.
enum TFStyleGAN2Decoder {
    static let network = PickleGlobal("dnnlib.tflib.network", "Network")

    static func matches(_ root: PickleValue) -> Bool {
        if root.object(of: network) != nil { return true }
        guard case .tuple(let items) = root, !items.isEmpty else { return false }
        return items.allSatisfy { $0.object(of: network) != nil }
    }

    static func decode(_ root: PickleValue, source: String, fileSize: Int) throws(ToonIOError) -> ForeignCheckpoint {
        let objects: [PickleObject]
        var keys: [String]
        if case .tuple(let items) = root {
            objects = items.compactMap { $0.object(of: network) }
            keys = objects.count == 3 ? ["G", "D", "Gs"] : []
        } else {
            objects = [root.object(of: network)!]
            keys = []
        }
        if keys.isEmpty {
            // Anything but the usual triple: use the names the networks carry.
            for (i, object) in objects.enumerated() {
                let name = object.state?["name"]?.string ?? "network\(i)"
                keys.append(keys.contains(name) ? "\(name)_\(i)" : name)
            }
        }

        var counts = TensorLoadCounts(fileSize: fileSize)
        var budget = VisitBudget(source: source)
        var networks: [(String, TensorSet)] = []
        var configs: [String: PickleValue] = [:]
        for (key, object) in zip(keys, objects) {
            var set = TensorSet()
            try collect(object, prefix: "", into: &set, source: source, counts: &counts, budget: &budget)
            networks.append((key, set))
            configs[key] = config(object)
        }
        let generator = keys.contains("Gs") ? "Gs" : keys.first { $0.hasPrefix("G") } ?? ""
        guard !generator.isEmpty else {
            throw ToonIOError(file: source, .checkpoint(.notStyleGAN("TF networks \(keys.joined(separator: ", ")) include no generator")))
        }
        let format = try TFStyleGAN1Decoder.format(generatorConfig: configs[generator] ?? .dict([]), source: source)
        return ForeignCheckpoint(source: source, format: format, generatorName: generator, networks: networks,
                                 configs: configs, tensors: [:], values: [:], counts: counts)
    }

    private static func collect(_ net: PickleObject, prefix: String, into set: inout TensorSet, source: String,
                                counts: inout TensorLoadCounts, budget: inout VisitBudget) throws(ToonIOError) {
        try budget.spend()
        guard let state = net.state, let variables = state["variables"]?.elements else {
            throw ToonIOError(file: source, .checkpoint(.notStyleGAN("TF network \(prefix.isEmpty ? "" : prefix + " ")without a variables list")))
        }
        for variable in variables {
            guard let pair = variable.elements, pair.count == 2, let name = pair[0].string else {
                throw ToonIOError(file: source, .checkpoint(.badContainer("TF network \(prefix): a variable is not a (name, array) pair")))
            }
            try budget.spend()
            guard let tensor = try NumpyArrays.tensor(pair[1], name: prefix + name, source: source, counts: &counts) else {
                throw ToonIOError(file: source, .checkpoint(.badTensor(prefix + name, "value is a \(pair[1].kindName), not a numpy array")))
            }
            try set.insert(tensor, named: prefix + name, source: source)
        }
        for (key, component) in state["components"]?.dictPairs ?? [] {
            guard let name = key.string, let sub = component.object(of: network) else {
                throw ToonIOError(file: source, .checkpoint(.badContainer("TF network \(prefix): component \(key.kindName) is not a network")))
            }
            try collect(sub, prefix: prefix + name + "/", into: &set, source: source, counts: &counts, budget: &budget)
        }
    }

    /// static_kwargs, the build function's name, and each component's static_kwargs under `components`.
    private static func config(_ net: PickleObject) -> PickleValue {
        var pairs = ConfigValues.plain(net.state?["static_kwargs"] ?? .dict([])).dictPairs ?? []
        if let build = net.state?["build_func_name"] { pairs.append((.string("build_func_name"), build)) }
        var components: [(PickleValue, PickleValue)] = []
        for (key, component) in net.state?["components"]?.dictPairs ?? [] {
            if let sub = component.object(of: network) { components.append((key, config(sub))) }
        }
        if !components.isEmpty { pairs.append((.string("components"), .dict(components))) }
        return .dict(pairs)
    }
}
