import ToonIO

/// The generator architecture from each foreign format's stored configuration, with the defaults
/// of the code that wrote it (NVLabs' networks.py and legacy.py, rosinality's model.py).
enum ForeignConfig {
    /// NVLabs stylegan2-ada-pytorch `init_kwargs`.
    static func nvlabs(_ kwargs: PickleValue) throws(StyleGANError) -> GeneratorConfig {
        let mapping = kwargs["mapping_kwargs"] ?? .dict([])
        let synthesis = kwargs["synthesis_kwargs"] ?? .dict([])
        var c = GeneratorConfig(
            zDim: try int(kwargs, "z_dim"), cDim: try int(kwargs, "c_dim", 0), wDim: try int(kwargs, "w_dim"),
            imageResolution: try int(kwargs, "img_resolution"), imageChannels: try int(kwargs, "img_channels", 3),
            mappingLayers: try int(mapping, "num_layers", 8), mappingFeatures: try optionalInt(mapping, "layer_features"),
            embedFeatures: try optionalInt(mapping, "embed_features"),
            mappingLRMultiplier: Float(try double(mapping, "lr_multiplier", 0.01)),
            channelBase: try int(synthesis, "channel_base", 32768), channelMax: try int(synthesis, "channel_max", 512))
        c.convClamp = try optionalDouble(synthesis, "conv_clamp").map(Float.init)
        c.architecture = try architecture(synthesis["architecture"]?.string ?? "skip")
        if let taps = synthesis["resample_filter"]?.elements { c.resampleFilter = try filter(taps) }
        for (key, value) in [("activation", mapping["activation"]), ("activation", synthesis["activation"])] {
            if let name = value?.string, name != "lrelu" { throw .foreignConfig(.unsupported("\(key) '\(name)' (only lrelu)")) }
        }
        return c
    }

    /// NVLabs stylegan3 `init_kwargs` of a StyleGAN3 generator: the synthesis settings sit at the
    /// top level beside z_dim and friends (networks_stylegan3.py passes them on as **kwargs), with
    /// that file's defaults, which differ from StyleGAN2's (conv_clamp 256, 2 mapping layers).
    static func stylegan3(_ kwargs: PickleValue) throws(StyleGANError) -> GeneratorConfig {
        let mapping = kwargs["mapping_kwargs"] ?? .dict([])
        let ignored: Set<String> = ["num_fp16_res", "magnitude_ema_beta", "class_name", "init_args"]
        let known: Set<String> = ["z_dim", "c_dim", "w_dim", "img_resolution", "img_channels", "mapping_kwargs",
                                  "channel_base", "channel_max", "num_layers", "num_critical", "first_cutoff",
                                  "first_stopband", "last_stopband_rel", "margin_size", "output_scale", "conv_kernel",
                                  "filter_size", "lrelu_upsampling", "use_radial_filters", "conv_clamp"]
        for (key, _) in kwargs.dictPairs ?? [] {
            if let k = key.string, !known.contains(k), !ignored.contains(k) { throw .foreignConfig(.unsupported("StyleGAN3 setting '\(k)'")) }
        }
        for (key, _) in mapping.dictPairs ?? [] {
            if let k = key.string, !["num_layers", "lr_multiplier", "w_avg_beta"].contains(k) {
                throw .foreignConfig(.unsupported("StyleGAN3 mapping setting '\(k)'"))
            }
        }
        let wDim = try int(kwargs, "w_dim")
        var c = GeneratorConfig(
            zDim: try int(kwargs, "z_dim"), cDim: try int(kwargs, "c_dim", 0), wDim: wDim,
            imageResolution: try int(kwargs, "img_resolution"), imageChannels: try int(kwargs, "img_channels", 3),
            mappingLayers: try int(mapping, "num_layers", 2), mappingFeatures: wDim, embedFeatures: wDim,
            mappingLRMultiplier: Float(try double(mapping, "lr_multiplier", 0.01)),
            channelBase: try int(kwargs, "channel_base", 32768), channelMax: try int(kwargs, "channel_max", 512))
        // An explicit None turns the clamp off; a missing key means the constructor's 256.
        if kwargs["conv_clamp"]?.isNone == true {
            c.convClamp = nil
        } else {
            c.convClamp = Float(try double(kwargs, "conv_clamp", 256))
        }
        var a = AliasFreeConfig()
        a.layerCount = try int(kwargs, "num_layers", a.layerCount)
        a.criticalLayerCount = try int(kwargs, "num_critical", a.criticalLayerCount)
        a.firstCutoff = try double(kwargs, "first_cutoff", a.firstCutoff)
        a.firstStopband = try double(kwargs, "first_stopband", a.firstStopband)
        a.lastStopbandRelative = try double(kwargs, "last_stopband_rel", a.lastStopbandRelative)
        a.marginSize = try int(kwargs, "margin_size", a.marginSize)
        a.outputScale = Float(try double(kwargs, "output_scale", Double(a.outputScale)))
        a.convKernel = try int(kwargs, "conv_kernel", a.convKernel)
        a.filterSize = try int(kwargs, "filter_size", a.filterSize)
        a.leakyReLUUpsampling = try int(kwargs, "lrelu_upsampling", a.leakyReLUUpsampling)
        if let radial = kwargs["use_radial_filters"], !radial.isNone {
            guard let flag = radial.bool else { throw .foreignConfig(.unsupported("use_radial_filters is a \(radial.kindName)")) }
            a.radialFilters = flag
        }
        c.aliasFree = a
        return c
    }

    /// NVLabs TF1 `static_kwargs` of Gs, converted as legacy.py does.
    static func tensorFlow(_ kwargs: PickleValue) throws(StyleGANError) -> GeneratorConfig {
        let known: Set<String> = ["latent_size", "label_size", "dlatent_size", "resolution", "num_channels",
                                  "mapping_layers", "label_fmaps", "mapping_fmaps", "mapping_nonlinearity", "mapping_lrmul",
                                  "w_avg_beta", "fmap_base", "fmap_max", "num_fp16_res", "conv_clamp", "architecture",
                                  "resample_kernel", "use_noise", "nonlinearity", "truncation_psi", "truncation_cutoff",
                                  "style_mixing_prob", "structure", "conditioning", "fused_modconv", "dlatent_broadcast",
                                  "fmap_decay", "fmap_min", "build_func_name", "components", "is_template_graph",
                                  "randomize_noise", "dtype", "components_static_kwargs"]
        for (key, _) in kwargs.dictPairs ?? [] {
            if let k = key.string, !known.contains(k) { throw .foreignConfig(.unsupported("TensorFlow setting '\(k)'")) }
        }
        if try double(kwargs, "fmap_decay", 1) != 1 { throw .foreignConfig(.unsupported("fmap_decay other than 1")) }
        for key in ["mapping_nonlinearity", "nonlinearity"] {
            if let name = kwargs[key]?.string, name != "lrelu" { throw .foreignConfig(.unsupported("\(key) '\(name)' (only lrelu)")) }
        }
        var c = GeneratorConfig(
            zDim: try int(kwargs, "latent_size", 512), cDim: try int(kwargs, "label_size", 0),
            wDim: try int(kwargs, "dlatent_size", 512), imageResolution: try int(kwargs, "resolution", 1024),
            imageChannels: try int(kwargs, "num_channels", 3), mappingLayers: try int(kwargs, "mapping_layers", 8),
            mappingFeatures: try optionalInt(kwargs, "mapping_fmaps"), embedFeatures: try optionalInt(kwargs, "label_fmaps"),
            mappingLRMultiplier: Float(try double(kwargs, "mapping_lrmul", 0.01)),
            channelBase: try int(kwargs, "fmap_base", 16384) * 2, channelMax: try int(kwargs, "fmap_max", 512))
        c.convClamp = try optionalDouble(kwargs, "conv_clamp").map(Float.init)
        c.architecture = try architecture(kwargs["architecture"]?.string ?? "skip")
        if let taps = kwargs["resample_kernel"]?.elements { c.resampleFilter = try filter(taps) }
        return c
    }

    /// rosinality: what the tensors reveal (size, style_dim, n_mlp, channels), with model.py's defaults
    /// for the rest (lr_mlp 0.01, blur kernel [1,3,3,1]). Its channel table must be one NVLabs can express.
    static func rosinality(_ inferred: PickleValue, latentAverage: Bool) throws(StyleGANError) -> GeneratorConfig {
        let size = try int(inferred, "size"), styleDim = try int(inferred, "style_dim")
        var channels: [Int: Int] = [:]
        for (k, v) in inferred["channels"]?.dictPairs ?? [] { if let r = k.int, let ch = v.int { channels[r] = ch } }
        let multiplier = try int(inferred, "channel_multiplier", 2)
        let c = GeneratorConfig(zDim: styleDim, wDim: styleDim, imageResolution: size, mappingLayers: try int(inferred, "n_mlp"),
                                channelBase: 16384 * multiplier, channelMax: 512)
        for (r, ch) in channels where c.channels(at: r) != ch {
            throw .foreignConfig(.unsupported("channels \(ch) at \(r)px differ from rosinality's table with channel_multiplier \(multiplier)"))
        }
        if !latentAverage { throw .foreignConfig(.missing("latent_avg (needed for truncation)")) }
        return c
    }

    private static func architecture(_ name: String) throws(StyleGANError) -> GeneratorConfig.Architecture {
        guard let a = GeneratorConfig.Architecture(rawValue: name) else { throw .foreignConfig(.unsupported("architecture '\(name)'")) }
        return a
    }

    private static func filter(_ taps: [PickleValue]) throws(StyleGANError) -> [Float] {
        let values = taps.compactMap(\.double).map(Float.init)
        guard values.count == taps.count, !values.isEmpty else { throw .foreignConfig(.unsupported("resample filter \(taps.map(\.kindName))")) }
        return values
    }

    private static func int(_ v: PickleValue, _ key: String, _ fallback: Int? = nil) throws(StyleGANError) -> Int {
        guard let value = v[key], !value.isNone else {
            if let fallback { return fallback }
            throw .foreignConfig(.missing(key))
        }
        guard let i = value.int else { throw .foreignConfig(.unsupported("\(key) is a \(value.kindName)")) }
        return i
    }

    private static func optionalInt(_ v: PickleValue, _ key: String) throws(StyleGANError) -> Int? {
        guard let value = v[key], !value.isNone else { return nil }
        guard let i = value.int else { throw .foreignConfig(.unsupported("\(key) is a \(value.kindName)")) }
        return i
    }

    private static func double(_ v: PickleValue, _ key: String, _ fallback: Double) throws(StyleGANError) -> Double {
        try optionalDouble(v, key) ?? fallback
    }

    private static func optionalDouble(_ v: PickleValue, _ key: String) throws(StyleGANError) -> Double? {
        guard let value = v[key], !value.isNone else { return nil }
        guard let d = value.double else { throw .foreignConfig(.unsupported("\(key) is a \(value.kindName)")) }
        return d
    }
}

extension StyleGANError {
    /// Why a configuration stored in a foreign checkpoint does not map to a GeneratorConfig.
    public enum ForeignConfigProblem: Equatable, Sendable {
        case missing(String)
        case unsupported(String)

        var message: String {
            switch self {
            case .missing(let what): "the stored configuration lacks \(what)"
            case .unsupported(let what): "unsupported \(what)"
            }
        }
    }
}
