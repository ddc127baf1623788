import StyleGAN
import ToonCore
import ToonIO
import ToonNN

/// The D of an NVlabs/stylegan (v1) TF pickle: `D_basic`'s static kwargs (with networks_stylegan.py's
/// defaults) to a config, its variables renamed by one table. Every variable must get a name, and
/// settings ToonKit does not build are refused by name, as for v1 generators.
enum BasicDiscriminatorLoader {
    /// What D_basic takes.
    static let keys: Set<String> = [
        "num_channels", "resolution", "label_size", "fmap_base", "fmap_decay", "fmap_max", "nonlinearity", "use_wscale",
        "mbstd_group_size", "mbstd_num_features", "dtype", "fused_scale", "blur_filter", "structure", "is_template_graph",
        "build_func_name",
    ]

    static func load(_ checkpoint: ForeignCheckpoint) throws(TrainingError) -> (DiscriminatorConfig, ParameterStore)? {
        guard let set = checkpoint.networks["D"] else { return nil }
        let source = checkpoint.source
        func fail(_ why: String) -> TrainingError { TrainingError(.underlying("\(source): StyleGAN (v1) discriminator: \(why)")) }
        let config = try Self.config(checkpoint.configs["D"] ?? .dict([]), fail: fail)
        let spec = try Discriminator(config).spec
        let resolution = config.imageResolution
        var store = ParameterStore()
        for entry in spec.entries {
            let stored = tfName(entry.name, resolution: resolution)
            guard let raw = set[stored] else { throw fail("no variable \(stored)") }
            let t = (raw.rank == 4 ? raw.permuted([3, 2, 0, 1]) : raw.rank == 2 ? raw.permuted([1, 0]) : raw).contiguous()
            guard t.shape == entry.shape else { throw fail("\(stored) has shape \(raw.shape), expected \(entry.shape) (as \(entry.name))") }
            store.insert(t, named: entry.name)
        }
        let named = Set(spec.entries.map { tfName($0.name, resolution: resolution) })
        if let extra = set.names.first(where: { !named.contains($0) }) { throw fail("unexpected variable \(extra)") }
        let lod = store["lod"].scalar
        guard lod.isFinite, lod >= 0, lod <= Float(config.blockResolutions.count) else {
            throw fail("lod \(lod) is outside 0...\(config.blockResolutions.count) for \(resolution) px")
        }
        return (config, store)
    }

    /// NVlabs/stylegan's name for a ToonKit v1 D parameter (`b64.conv1.weight` -> `64x64/Conv1_down/weight`).
    static func tfName(_ name: String, resolution: Int) -> String {
        let parts = name.split(separator: ".").map(String.init)
        guard parts.count == 3, let r = Int(parts[0].dropFirst()) else { return name }
        switch parts[1] {
        case "fromrgb":
            let lod = resolution.trailingZeroBitCount - r.trailingZeroBitCount
            return "FromRGB_lod\(lod)/\(parts[2])"
        case "conv0": return "\(r)x\(r)/Conv0/\(parts[2])"
        case "conv1": return "\(r)x\(r)/Conv1_down/\(parts[2])"
        case "conv": return "4x4/Conv/\(parts[2])"
        case "fc": return "4x4/Dense0/\(parts[2])"
        case "out": return "4x4/Dense1/\(parts[2])"
        default: return name
        }
    }

    /// D_basic's static kwargs as a config.
    static func config(_ kwargs: PickleValue, fail: (String) -> TrainingError) throws(TrainingError) -> DiscriminatorConfig {
        for (key, _) in kwargs.dictPairs ?? [] {
            if let k = key.string, !keys.contains(k) { throw fail("setting '\(k)' is not one of D_basic's") }
        }
        if let build = kwargs["build_func_name"]?.string, build != "D_basic" { throw fail("built by '\(build)', not D_basic") }
        func int(_ key: String, _ fallback: Int) throws(TrainingError) -> Int {
            guard let v = kwargs[key], !v.isNone else { return fallback }
            guard let i = v.int else { throw fail("\(key) is a \(v.kindName)") }
            return i
        }
        func flag(_ key: String, _ fallback: Bool) throws(TrainingError) -> Bool {
            guard let v = kwargs[key], !v.isNone else { return fallback }
            if let b = v.bool { return b }
            if let i = v.int { return i != 0 }
            throw fail("\(key) is a \(v.kindName)")
        }
        if let v = kwargs["fmap_decay"], !v.isNone, v.double != 1 { throw fail("fmap_decay other than 1") }
        if let v = kwargs["dtype"], !v.isNone, v.string != "float32" { throw fail("dtype '\(v.string ?? v.kindName)' (float32 only)") }

        var settings = StyleGAN1DiscriminatorSettings()
        if let v = kwargs["nonlinearity"], !v.isNone {
            guard let name = v.string, let n = StyleGAN1Config.Nonlinearity(rawValue: name) else {
                throw fail("nonlinearity '\(v.string ?? v.kindName)' (lrelu or relu)")
            }
            settings.nonlinearity = n
        }
        settings.useWScale = try flag("use_wscale", true)
        if let blur = kwargs["blur_filter"] {
            if blur.isNone {
                settings.blurFilter = []
            } else {
                guard let taps = blur.elements else { throw fail("blur_filter is a \(blur.kindName)") }
                let values = taps.compactMap(\.double).map(Float.init)
                guard values.count == taps.count, values.count <= 16, values.allSatisfy(\.isFinite), values.isEmpty || values.reduce(0, +) != 0 else {
                    throw fail("blur_filter \(taps.map { $0.double.map { "\($0)" } ?? $0.kindName })")
                }
                settings.blurFilter = values
            }
        }
        if let fused = kwargs["fused_scale"], !fused.isNone {
            if fused.string == "auto" { settings.fusedScale = .auto }
            else if let b = fused.bool { settings.fusedScale = b ? .always : .never }
            else { throw fail("fused_scale \(fused.string ?? fused.kindName)") }
        }
        let group = try int("mbstd_group_size", 4)
        settings.minibatchStd = group > 1
        let fmapBase = try int("fmap_base", 8192), fmapMax = try int("fmap_max", 512)
        guard fmapBase > 0, fmapBase <= 1 << 20, fmapMax > 0, fmapMax <= 1 << 16 else { throw fail("fmap_base \(fmapBase), fmap_max \(fmapMax)") }
        let labels = try int("label_size", 0)
        var config = DiscriminatorConfig(imageResolution: try int("resolution", 32), imageChannels: try int("num_channels", 1),
                                         channelBase: fmapBase * 2, channelMax: fmapMax, mbstdGroupSize: max(group, 1),
                                         mbstdChannels: try int("mbstd_num_features", 1), resampleFilter: [1, 3, 3, 1],
                                         cDim: labels > 0 ? labels : nil)
        config.styleGAN1 = settings
        do { try config.validate() } catch { throw fail(error.description) }
        return config
    }
}
