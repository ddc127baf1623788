/// NVlabs/stylegan (the original StyleGAN, v1) TF pickles. They hold the same
/// `dnnlib.tflib.network.Network` objects as StyleGAN2's (dnnlib's `__getstate__` is the same:
/// version, name, static_kwargs, components, build_module_src, build_func_name, variables), so
/// `TFStyleGAN2Decoder` collects their tensors; what tells them apart is the generator's build
/// function, `G_style` with the components `mapping` (`G_mapping`) and `synthesis` (`G_synthesis`),
/// against StyleGAN2's `G_main`. The architecture is read from names and static kwargs alone:
/// the stored build module source is never run.
enum TFStyleGAN1Decoder {
    /// The generator build functions this reader knows, by generation.
    static let styleGAN1 = "G_style"
    static let styleGAN2 = "G_main"
    /// Other TF generators from NVLabs' code, named in the refusal.
    static let known: [String: String] = [
        "G_paper": "Progressive GAN (networks_progan.py)",
        "G_style": "StyleGAN", "G_main": "StyleGAN2",
    ]

    /// The format of a TF pickle whose generator has `config` (as `TFStyleGAN2Decoder` gathers it).
    static func format(generatorConfig config: PickleValue, source: String) throws(ToonIOError) -> ForeignCheckpoint.Format {
        // Pickles without a build function name predate nothing ToonKit reads; treat them as StyleGAN2, as before.
        guard let build = config["build_func_name"]?.string else { return .tfStyleGAN2 }
        switch build {
        case styleGAN2: return .tfStyleGAN2
        case styleGAN1:
            let components = config["components"]
            for (key, function) in [("mapping", "G_mapping"), ("synthesis", "G_synthesis")] {
                guard let found = components?[key]?["build_func_name"]?.string else {
                    throw ToonIOError(file: source, .checkpoint(.notStyleGAN("StyleGAN (v1) generator without its \(key) network")))
                }
                guard found == function else {
                    throw ToonIOError(file: source, .checkpoint(.unsupported("StyleGAN (v1) \(key) network built by '\(found)' (expected \(function))")))
                }
            }
            return .tfStyleGAN1
        default:
            let what = known[build].map { "a \($0) generator ('\(build)')" } ?? "a TF generator built by '\(build)'"
            throw ToonIOError(file: source, .checkpoint(.unsupported("\(what); ToonKit reads StyleGAN's G_style and StyleGAN2's G_main")))
        }
    }
}
