import ToonCore

/// rosinality/stylegan2-pytorch checkpoints: a torch.save dict with `g_ema` (a state dict, i.e. an
/// OrderedDict of tensors carrying `_metadata`), `latent_avg`, and from training also `g`, `d`,
/// optimizer states and `args`. Every top-level state dict becomes a network; the configuration is
/// not stored, so it is inferred from tensor shapes.
enum RosinalityDecoder {
    static func decode(_ root: PickleValue, reader: TorchTensorReader, fileSize: Int) throws(ToonIOError) -> ForeignCheckpoint {
        let source = reader.source
        guard let pairs = root.dictPairs else {
            throw ToonIOError(file: source, .checkpoint(.notStyleGAN("a torch file holding \(ForeignCheckpoint.describe(root)), not a dict")))
        }
        var counts = TensorLoadCounts(fileSize: fileSize)
        var budget = VisitBudget(source: source)
        var networks: [(String, TensorSet)] = []
        var tensors: [String: Tensor] = [:]
        var values: [String: PickleValue] = [:]
        for (keyValue, value) in pairs {
            guard let key = keyValue.string else { continue }
            try budget.spend()
            if let tensor = try reader.tensor(value, name: key, counts: &counts) {
                tensors[key] = tensor
            } else if let items = value.dictPairs, !items.isEmpty,
                      items.allSatisfy({ $0.0.string != nil && TorchTensorReader.isTensor($0.1) }) {
                var set = TensorSet()
                for (name, item) in items {
                    try budget.spend()
                    let full = name.string!
                    try set.insert(try reader.tensor(item, name: "\(key).\(full)", counts: &counts)!, named: full, source: source)
                }
                networks.append((key, set))
            } else {
                values[key] = value
            }
        }
        let keys = networks.map(\.0)
        guard let generator = ["g_ema", "g"].first(where: keys.contains),
              networks.first(where: { $0.0 == generator })!.1.names.contains(where: { $0.hasPrefix("style.") }) else {
            throw ToonIOError(file: source, .checkpoint(.notStyleGAN("torch file without a rosinality g_ema (keys: \(pairs.compactMap { $0.0.string }.joined(separator: ", ")))")))
        }
        var configs: [String: PickleValue] = [:]
        configs[generator] = inferredConfig(networks.first { $0.0 == generator }!.1)
        return ForeignCheckpoint(source: source, format: .rosinality, generatorName: generator, networks: networks,
                                 configs: configs, tensors: tensors, values: values, counts: counts)
    }

    /// size, style_dim, n_mlp, n_latent and channels per resolution from the generator's shapes, plus
    /// channel_multiplier where the channel table reveals it (resolutions of 64 and above).
    static func inferredConfig(_ g: TensorSet) -> PickleValue {
        var pairs: [(PickleValue, PickleValue)] = []
        let toRGBs = g.names.filter { $0.hasPrefix("to_rgbs.") && $0.hasSuffix(".conv.weight") }.count
        let logSize = toRGBs + 2
        pairs.append((.string("size"), .int(1 << logSize)))
        if let w = g["style.1.weight"], w.rank == 2 { pairs.append((.string("style_dim"), .int(w.shape[1]))) }
        let mlp = g.names.filter { $0.hasPrefix("style.") && $0.hasSuffix(".weight") }.count
        pairs.append((.string("n_mlp"), .int(mlp)))
        pairs.append((.string("n_latent"), .int(logSize * 2 - 2)))
        var channels: [(PickleValue, PickleValue)] = []
        if let w = g["conv1.conv.weight"], w.rank == 5 { channels.append((.int(4), .int(w.shape[1]))) }
        for i in stride(from: 0, to: toRGBs * 2, by: 2) {
            if let w = g["convs.\(i).conv.weight"], w.rank == 5 { channels.append((.int(8 << (i / 2)), .int(w.shape[1]))) }
        }
        pairs.append((.string("channels"), .dict(channels)))
        if let c64 = channels.first(where: { $0.0.int == 64 })?.1.int, c64 % 256 == 0 {
            pairs.append((.string("channel_multiplier"), .int(c64 / 256)))
        }
        return .dict(pairs)
    }
}
