import Foundation
import StyleGAN
import ToonCore
import ToonNN

/// Network blending (Justin Pinkney's "layer swapping", the Toonify recipe): a base model's mapping
/// network and coarse synthesis layers with a styled fine-tune's fine ones. The rule, layer by layer,
/// is written down in docs/toonify.md.
public enum Blend {
    /// How two generators are blended.
    public struct Settings: Sendable, Equatable {
        /// The first resolution whose layers come from the styled model (4, 8, ...); above the
        /// output resolution every layer stays with the base.
        public var swapResolution: Int
        /// 0: the whole block at `swapResolution` is styled; 1: its first layer (const or conv0)
        /// stays with the base and the swap comes after it.
        public var level: Int
        /// nil: a hard switch; otherwise the width of Pinkney's logistic switch, in layer positions.
        public var blendWidth: Double?
        /// Scales every styled weight: 0 gives the base, 1 the full blend.
        public var degree: Double

        public init(swapResolution: Int, level: Int = 0, blendWidth: Double? = nil, degree: Double = 1) {
            self.swapResolution = swapResolution
            self.level = level
            self.blendWidth = blendWidth
            self.degree = degree
        }

        /// The swap resolution toonify uses when none is given: a quarter of the output, at least 4
        /// (coarse layers keep the base's pose and shape, finer ones draw the cartoon).
        public static func defaultSwapResolution(outputResolution: Int) -> Int { max(4, outputResolution / 4) }

        /// Refuses values no blend can use.
        public func validate() throws(StyleGANError) {
            let r = swapResolution
            guard r >= 4, r <= 1 << 20, r & (r - 1) == 0 else {
                throw .blend(.invalid("swap resolution \(r) is not a power of two from 4 up (4, 8, 16, ...)"))
            }
            guard level == 0 || level == 1 else { throw .blend(.invalid("level \(level) is neither 0 nor 1")) }
            if let width = blendWidth, !(width.isFinite && width > 0) {
                throw .blend(.invalid("blend width \(width) is not a positive number"))
            }
            guard degree.isFinite, (0...1).contains(degree) else { throw .blend(.invalid("degree \(degree) is not in 0...1")) }
        }

        /// The layer position of the first styled layer: two positions per block from 4x4 up,
        /// `2 log2(R / 4) + level`.
        public var swapPosition: Int { 2 * (swapResolution.trailingZeroBitCount - 2) + level }

        /// One line for file metadata and logs.
        public var summary: String {
            let width = blendWidth.map { "\($0)" } ?? "none (hard switch)"
            return "swap resolution \(swapResolution), level \(level), blend width \(width), degree \(degree)"
        }
    }

    /// Where a synthesis parameter sits in the layer order Pinkney's `blend_models.py` uses: two
    /// positions per block, 2i for its first layer (const or conv0, with the resnet skip) and 2i + 1
    /// for its second (conv1 with the toRGB), i = log2(resolution / 4). nil for what always comes from
    /// the base: the mapping network, w_avg, and the stored noise maps.
    public static func position(of name: String) -> Int? {
        let parts = name.split(separator: ".")
        guard parts.count >= 3, parts[0] == "synthesis", parts[1].hasPrefix("b"),
              let resolution = Int(parts[1].dropFirst()), resolution >= 4, resolution & (resolution - 1) == 0 else { return nil }
        if parts.last == "noise_const" { return nil }
        let block = 2 * (resolution.trailingZeroBitCount - 2)
        switch parts[2] {
        case "const", "conv0", "skip": return block
        case "conv1", "torgb": return block + 1
        default: return nil
        }
    }

    /// The styled model's share at layer `position` before `degree`: 1 from the swap position up
    /// and 0 below it, or with a width W, Pinkney's logistic 1 / (1 + exp(-(position - swap) / W)).
    public static func layerWeight(position: Int, settings: Settings) -> Double {
        let x = Double(position - settings.swapPosition)
        guard let width = settings.blendWidth else { return x >= 0 ? 1 : 0 }
        return 1 / (1 + exp(-x / width))
    }

    /// The styled model's share of every parameter of `config`, in declaration order: degree times
    /// the layer weight for synthesis layers, 0 for the rest.
    public static func weights(_ config: GeneratorConfig, settings: Settings) -> [(name: String, weight: Double)] {
        Generator.spec(config).entries.map { entry in
            guard let position = position(of: entry.name) else { return (entry.name, 0) }
            return (entry.name, settings.degree * layerWeight(position: position, settings: settings))
        }
    }

    /// The blended generator: base where a parameter's weight is 0, styled where it is 1 (the same
    /// tensors, bit for bit), and styled x w + base x (1 - w) between. Its config is the base's.
    public static func generator(base: Generator, styled: Generator, settings: Settings) throws(StyleGANError) -> Generator {
        try settings.validate()
        try requireSameArchitecture(base: base, styled: styled)
        var store = ParameterStore()
        for (name, weight) in weights(base.config, settings: settings) {
            let low = base.parameters[name], high = styled.parameters[name]
            store.insert(mix(low, high, weight: Float(weight)), named: name)
        }
        do { return try Generator(config: base.config, parameters: store) } catch let error as StyleGANError { throw error } catch {
            throw .blend(.invalid("\(error)"))
        }
    }

    /// `generator(base:styled:settings:)` with the settings spelled out.
    public static func generator(base: Generator, styled: Generator, swapResolution: Int, level: Int = 0,
                                 blendWidth: Double? = nil, degree: Double = 1) throws(StyleGANError) -> Generator {
        try generator(base: base, styled: styled,
                      settings: Settings(swapResolution: swapResolution, level: level, blendWidth: blendWidth, degree: degree))
    }

    private static func mix(_ low: Tensor, _ high: Tensor, weight: Float) -> Tensor {
        if weight == 0 { return low }
        if weight == 1 { return high }
        let a = low.scalars, b = high.scalars
        var out = [Float](repeating: 0, count: a.count)
        for i in 0..<a.count { out[i] = b[i] * weight + a[i] * (1 - weight) }
        return Tensor(shape: low.shape, scalars: out)
    }
}
