import StyleGAN

extension Blend {
    /// Two generators blend when they have the same parameters with the same shapes, and the same
    /// settings that change what those weights compute. The channel base and maximum only matter
    /// through the shapes (a rosinality file and a TF pickle state one table differently), and the
    /// mapping's learning-rate multiplier only through the mapping, which is the base's.
    /// Otherwise: the first parameter that differs, in declaration order, with both shapes.
    public static func requireSameArchitecture(base: Generator, styled: Generator) throws(StyleGANError) {
        // Layer swapping goes by StyleGAN2's block resolutions; StyleGAN3 layers have none.
        if let other = [base, styled].first(where: { !$0.config.isStyleGAN2 }) {
            throw .blend(.invalid("blending takes StyleGAN2 generators only so far; one is \(other.config.generation)"))
        }
        let baseEntries = Generator.spec(base.config).entries
        let styledEntries = Generator.spec(styled.config).entries
        let styledShapes = Dictionary(uniqueKeysWithValues: styledEntries.map { ($0.name, $0.shape) })
        let baseNames = Set(baseEntries.map(\.name))
        for entry in baseEntries where styledShapes[entry.name] != entry.shape {
            throw .blend(.parameter(name: entry.name, base: entry.shape, styled: styledShapes[entry.name]))
        }
        if let extra = styledEntries.first(where: { !baseNames.contains($0.name) }) {
            throw .blend(.parameter(name: extra.name, base: nil, styled: extra.shape))
        }
        let b = base.config, s = styled.config
        if b.architecture != s.architecture {
            throw .blend(.setting(name: "the architecture", base: b.architecture.rawValue, styled: s.architecture.rawValue))
        }
        if b.resampleFilter != s.resampleFilter {
            throw .blend(.setting(name: "the resample filter", base: "\(b.resampleFilter)", styled: "\(s.resampleFilter)"))
        }
        if b.convClamp != s.convClamp {
            throw .blend(.setting(name: "the conv clamp", base: b.convClamp.map { "\($0)" } ?? "none",
                                  styled: s.convClamp.map { "\($0)" } ?? "none"))
        }
    }
}
