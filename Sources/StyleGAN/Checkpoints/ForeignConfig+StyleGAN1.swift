import ToonIO

extension ForeignConfig {
    /// What G_style, G_mapping and G_synthesis take (networks_stylegan.py). G_style hands its
    /// kwargs on to both components, so each network's static kwargs may hold the others' keys.
    static let styleGAN1Keys: Set<String> = [
        // G_style
        "truncation_psi", "truncation_cutoff", "truncation_psi_val", "truncation_cutoff_val", "dlatent_avg_beta",
        "style_mixing_prob", "is_training", "is_validation", "is_template_graph", "components", "build_func_name",
        // G_mapping
        "latent_size", "label_size", "dlatent_size", "dlatent_broadcast", "mapping_layers", "mapping_fmaps",
        "mapping_lrmul", "mapping_nonlinearity", "use_wscale", "normalize_latents", "dtype",
        // G_synthesis
        "num_channels", "resolution", "fmap_base", "fmap_decay", "fmap_max", "use_styles", "const_input_layer",
        "use_noise", "randomize_noise", "nonlinearity", "use_pixel_norm", "use_instance_norm", "fused_scale",
        "blur_filter", "structure", "force_clean_graph",
    ]

    /// NVlabs/stylegan TF1 `static_kwargs` of Gs (G_style) and its components, with
    /// networks_stylegan.py's defaults. Settings that change the architecture in ways ToonKit does
    /// not build (no styles, a dense first layer instead of the constant, fmap_decay) are refused.
    static func styleGAN1(_ kwargs: PickleValue) throws(StyleGANError) -> GeneratorConfig {
        let mapping = kwargs["components"]?["mapping"] ?? .dict([])
        let synthesis = kwargs["components"]?["synthesis"] ?? .dict([])
        for network in [kwargs, mapping, synthesis] {
            for (key, _) in network.dictPairs ?? [] {
                if let k = key.string, !styleGAN1Keys.contains(k) { throw .foreignConfig(.unsupported("StyleGAN (v1) setting '\(k)'")) }
            }
        }
        // A component's own kwargs first, then G_style's (which it was built from).
        func value(_ key: String, in component: PickleValue) -> PickleValue { component[key] ?? kwargs[key] ?? .none }
        func int(_ key: String, _ component: PickleValue, _ fallback: Int) throws(StyleGANError) -> Int {
            let v = value(key, in: component)
            if v.isNone { return fallback }
            guard let i = v.int else { throw .foreignConfig(.unsupported("\(key) is a \(v.kindName)")) }
            return i
        }
        func double(_ key: String, _ component: PickleValue, _ fallback: Double) throws(StyleGANError) -> Double {
            let v = value(key, in: component)
            if v.isNone { return fallback }
            guard let d = v.double else { throw .foreignConfig(.unsupported("\(key) is a \(v.kindName)")) }
            return d
        }
        func flag(_ key: String, _ component: PickleValue, _ fallback: Bool) throws(StyleGANError) -> Bool {
            let v = value(key, in: component)
            if v.isNone { return fallback }
            if let b = v.bool { return b }
            if let i = v.int { return i != 0 }
            throw .foreignConfig(.unsupported("\(key) is a \(v.kindName)"))
        }
        func nonlinearity(_ key: String, _ component: PickleValue) throws(StyleGANError) -> StyleGAN1Config.Nonlinearity {
            let v = value(key, in: component)
            if v.isNone { return .lrelu }
            guard let name = v.string, let n = StyleGAN1Config.Nonlinearity(rawValue: name) else {
                throw .foreignConfig(.unsupported("\(key) '\(v.string ?? v.kindName)' (lrelu or relu)"))
            }
            return n
        }

        for key in ["use_styles", "const_input_layer"] where try !flag(key, synthesis, true) {
            throw .foreignConfig(.unsupported("StyleGAN (v1) \(key)=False"))
        }
        if try double("fmap_decay", synthesis, 1) != 1 { throw .foreignConfig(.unsupported("fmap_decay other than 1")) }
        for key in ["dtype"] {
            let v = value(key, in: kwargs)
            if !v.isNone, v.string != "float32" { throw .foreignConfig(.unsupported("\(key) '\(v.string ?? v.kindName)' (float32 only)")) }
        }
        let synthesisLatent = try int("dlatent_size", synthesis, 512), mappingLatent = try int("dlatent_size", mapping, 512)
        guard synthesisLatent == mappingLatent else {
            throw .foreignConfig(.unsupported("mapping dlatent_size \(mappingLatent) and synthesis dlatent_size \(synthesisLatent)"))
        }

        var v1 = StyleGAN1Config()
        let psi = value("truncation_psi", in: kwargs), cutoff = value("truncation_cutoff", in: kwargs)
        if psi.isNone, kwargs["truncation_psi"] != nil { v1.truncationPsi = nil }
        else if !psi.isNone {
            guard let p = psi.double else { throw .foreignConfig(.unsupported("truncation_psi is a \(psi.kindName)")) }
            v1.truncationPsi = Float(p)
        }
        if cutoff.isNone, kwargs["truncation_cutoff"] != nil { v1.truncationCutoff = nil }
        else if !cutoff.isNone {
            guard let c = cutoff.int else { throw .foreignConfig(.unsupported("truncation_cutoff is a \(cutoff.kindName)")) }
            v1.truncationCutoff = c
        }
        v1.normalizeLatents = try flag("normalize_latents", mapping, true)
        v1.mappingNonlinearity = try nonlinearity("mapping_nonlinearity", mapping)
        v1.mappingWScale = try flag("use_wscale", mapping, true)
        v1.synthesisWScale = try flag("use_wscale", synthesis, true)
        v1.nonlinearity = try nonlinearity("nonlinearity", synthesis)
        v1.useNoise = try flag("use_noise", synthesis, true)
        v1.usePixelNorm = try flag("use_pixel_norm", synthesis, false)
        v1.useInstanceNorm = try flag("use_instance_norm", synthesis, true)
        let blur = value("blur_filter", in: synthesis)
        if blur.isNone {
            v1.blurFilter = synthesis["blur_filter"] != nil || kwargs["blur_filter"] != nil ? [] : [1, 2, 1]
        } else {
            guard let taps = blur.elements else { throw .foreignConfig(.unsupported("blur_filter is a \(blur.kindName)")) }
            let values = taps.compactMap(\.double).map(Float.init)
            guard values.count == taps.count else { throw .foreignConfig(.unsupported("blur_filter \(taps.map(\.kindName))")) }
            v1.blurFilter = values
        }
        let fused = value("fused_scale", in: synthesis)
        if fused.isNone {
            v1.fusedScale = .auto
        } else if fused.string == "auto" {
            v1.fusedScale = .auto
        } else if let b = fused.bool {
            v1.fusedScale = b ? .always : .never
        } else {
            throw .foreignConfig(.unsupported("fused_scale \(fused.string ?? fused.kindName)"))
        }

        var c = GeneratorConfig(
            zDim: try int("latent_size", mapping, 512), cDim: try int("label_size", mapping, 0), wDim: synthesisLatent,
            imageResolution: try int("resolution", synthesis, 1024), imageChannels: try int("num_channels", synthesis, 3),
            mappingLayers: try int("mapping_layers", mapping, 8), mappingFeatures: try int("mapping_fmaps", mapping, 512),
            mappingLRMultiplier: Float(try double("mapping_lrmul", mapping, 0.01)),
            channelBase: try int("fmap_base", synthesis, 8192) * 2, channelMax: try int("fmap_max", synthesis, 512))
        c.styleGAN1 = v1
        return c
    }
}
