import Foundation
import Testing
import StyleGAN
import ToonCore
import ToonNN
import ToonTestSupport
@testable import Toonify

/// Network blending, checked parameter by parameter against the rule as docs/toonify.md states it
/// (written out again here, not computed with the code under test).
@Suite("Blend: network blending of a base and a styled model", .computeFromEnvironment)
struct BlendTests {
    /// A small skip generator: blocks 4, 8, 16, 32.
    static let config = GeneratorConfig(zDim: 16, wDim: 16, imageResolution: 32, mappingLayers: 2, channelBase: 256, channelMax: 16)

    static func generator(_ config: GeneratorConfig = config, seed: UInt64, offset: Float = 0) throws -> Generator {
        let store = Generator.spec(config).initialize(seed: seed)
        return try Generator(config: config, parameters: ParameterStore(store.pairs.map { ($0.name, $0.tensor + offset) }))
    }

    /// An independent pair: every tensor differs, including the zero-initialised biases and noise strengths.
    static func pair(_ config: GeneratorConfig = config) throws -> (base: Generator, styled: Generator) {
        (try generator(config, seed: 1), try generator(config, seed: 2, offset: 1))
    }

    /// A fine-tune of `base`: new synthesis weights, the base's mapping, w_avg and noise maps.
    static func fineTune(of base: Generator, seed: UInt32) throws -> Generator {
        var store = base.parameters
        for (name, tensor) in base.parameters.pairs where name.hasPrefix("synthesis.") && !name.hasSuffix(".noise_const") {
            store.update(name, to: tensor + Tensor.randomNormal(shape: tensor.shape, seed: seed &+ UInt32(store.names.firstIndex(of: name)!)) * 0.2 + 0.05)
        }
        return try Generator(config: base.config, parameters: store)
    }

    /// The rule: the styled model's share of a parameter with a hard switch at `swap`, `level`.
    static func expectedShare(_ name: String, swap: Int, level: Int) -> Float {
        guard name.hasPrefix("synthesis."), !name.hasSuffix(".noise_const") else { return 0 }  // mapping, w_avg, noise maps
        let parts = name.split(separator: ".")
        let resolution = Int(parts[1].dropFirst())!
        if resolution < swap { return 0 }
        if resolution > swap { return 1 }
        // The swap block itself: level 0 takes all of it, level 1 keeps its first layer with the base.
        return level == 0 || parts[2] == "conv1" || parts[2] == "torgb" ? 1 : 0
    }

    /// The layer position of the docs: 2 log2(R / 4), plus 1 for conv1 and toRGB.
    static func position(_ name: String) -> Int {
        let parts = name.split(separator: ".")
        let resolution = Int(parts[1].dropFirst())!
        return 2 * Int(log2(Double(resolution / 4))) + (parts[2] == "conv1" || parts[2] == "torgb" ? 1 : 0)
    }

    static func expectFrom(_ blended: Generator, base: Generator, styled: Generator, share: (String) -> Float,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(blended.parameters.names == base.parameters.names, sourceLocation: sourceLocation)
        for name in base.parameters.names {
            let got = blended.parameters[name].scalars, b = base.parameters[name].scalars, s = styled.parameters[name].scalars
            let y = share(name)
            // Compared first, so a failure prints the name, not every value.
            if y == 0 {
                let same = got == b
                #expect(same, "\(name) should be the base's", sourceLocation: sourceLocation)
            } else if y == 1 {
                let same = got == s
                #expect(same, "\(name) should be the styled model's", sourceLocation: sourceLocation)
            } else {
                let ok = zip(got, zip(b, s)).allSatisfy { abs($0 - ($1.1 * y + $1.0 * (1 - y))) <= 1e-5 * max(1, abs($0)) }
                #expect(ok, "\(name) should be styled x \(y) + base x \(1 - y)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("hard switch: every parameter comes from the model the rule names",
          arguments: [4, 8, 16, 32, 64], [0, 1])
    func hardSwitchSources(swap: Int, level: Int) throws {
        let (base, styled) = try Self.pair()
        let blended = try Blend.generator(base: base, styled: styled, swapResolution: swap, level: level)
        Self.expectFrom(blended, base: base, styled: styled) { Self.expectedShare($0, swap: swap, level: level) }
        #expect(blended.config == base.config)
    }

    @Test("resnet: the skip of the swap block goes with its first layer", arguments: [0, 1])
    func resnetSkip(level: Int) throws {
        var config = Self.config
        config.architecture = .resnet
        let (base, styled) = try Self.pair(config)
        let blended = try Blend.generator(base: base, styled: styled, swapResolution: 16, level: level)
        #expect(base.parameters.contains("synthesis.b16.skip.weight"))
        Self.expectFrom(blended, base: base, styled: styled) { name in
            name == "synthesis.b16.skip.weight" ? (level == 0 ? 1 : 0) : Self.expectedShare(name, swap: 16, level: level)
        }
    }

    @Test("blend width: styled x w + base x (1 - w) with w = 1 / (1 + exp(-(position - swap position) / W))",
          arguments: [(8, 0, 1.0), (16, 1, 0.5), (32, 0, 2.0)])
    func blendWidth(swap: Int, level: Int, width: Double) throws {
        let (base, styled) = try Self.pair()
        let blended = try Blend.generator(base: base, styled: styled, swapResolution: swap, level: level, blendWidth: width)
        let swapPosition = 2 * Int(log2(Double(swap / 4))) + level
        Self.expectFrom(blended, base: base, styled: styled) { name in
            guard name.hasPrefix("synthesis."), !name.hasSuffix(".noise_const") else { return 0 }
            return Float(1 / (1 + exp(-Double(Self.position(name) - swapPosition) / width)))
        }
    }

    /// The table in docs/toonify.md: a 256 px model, --swap-res 32 --level 0, per layer position.
    @Test("the documented weights for a 256 px model")
    func documentedTable() {
        let config = GeneratorConfig(imageResolution: 256)
        let table: [(Double?, [Double])] = [
            (nil, [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]),
            (0.5, [0.0000, 0.0000, 0.0003, 0.0025, 0.0180, 0.1192, 0.5000, 0.8808, 0.9820, 0.9975, 0.9997, 1.0000, 1.0000, 1.0000]),
            (1, [0.0025, 0.0067, 0.0180, 0.0474, 0.1192, 0.2689, 0.5000, 0.7311, 0.8808, 0.9526, 0.9820, 0.9933, 0.9975, 0.9991]),
            (2, [0.0474, 0.0759, 0.1192, 0.1824, 0.2689, 0.3775, 0.5000, 0.6225, 0.7311, 0.8176, 0.8808, 0.9241, 0.9526, 0.9707]),
        ]
        for (width, expected) in table {
            let weights = Blend.weights(config, settings: Blend.Settings(swapResolution: 32, blendWidth: width))
            for (name, weight) in weights {
                guard name.hasPrefix("synthesis."), !name.hasSuffix(".noise_const") else {
                    #expect(weight == 0, "\(name)")
                    continue
                }
                #expect(abs(weight - expected[Self.position(name)]) < 5e-5, "\(name) with width \(String(describing: width))")
            }
        }
    }

    @Test("degree 0 is the base bit for bit, 1 the full blend, 0.4 scales every styled share", arguments: [nil, 1.5] as [Double?])
    func degree(width: Double?) throws {
        let (base, styled) = try Self.pair()
        let full = try Blend.generator(base: base, styled: styled, swapResolution: 16, level: 1, blendWidth: width)
        let none = try Blend.generator(base: base, styled: styled, swapResolution: 16, level: 1, blendWidth: width, degree: 0)
        let one = try Blend.generator(base: base, styled: styled, swapResolution: 16, level: 1, blendWidth: width, degree: 1)
        let part = try Blend.generator(base: base, styled: styled, swapResolution: 16, level: 1, blendWidth: width, degree: 0.4)
        for name in base.parameters.names {
            let isBase = none.parameters[name].scalars == base.parameters[name].scalars
            let isFull = one.parameters[name].scalars == full.parameters[name].scalars
            #expect(isBase, "degree 0: \(name)")
            #expect(isFull, "degree 1: \(name)")
        }
        let fullShares = Dictionary(uniqueKeysWithValues: Blend.weights(Self.config, settings: .init(swapResolution: 16, level: 1, blendWidth: width)))
        Self.expectFrom(part, base: base, styled: styled) { Float(0.4 * fullShares[$0]!) }
    }

    @Test("swap at 4 (level 0) makes the styled model's images; a swap above the output the base's")
    func images() throws {
        let base = try Self.generator(seed: 7)
        let styled = try Self.fineTune(of: base, seed: 99)
        let z = Tensor.randomNormal(shape: [2, 16], seed: 3)
        let atFour = try Blend.generator(base: base, styled: styled, swapResolution: 4)
        let above = try Blend.generator(base: base, styled: styled, swapResolution: 64)
        let middle = try Blend.generator(base: base, styled: styled, swapResolution: 16)
        let b = base(z: z).scalars, s = styled(z: z).scalars, m = middle(z: z).scalars
        let styledImages = atFour(z: z).scalars == s, baseImages = above(z: z).scalars == b
        #expect(styledImages, "--swap-res 4 should make the styled model's images")
        #expect(baseImages, "--swap-res 64 should make the base's images")
        #expect(m != b && m != s && b != s)
    }

    @Test("a mismatch is one line naming the first parameter that differs, with both shapes")
    func mismatch() throws {
        var narrow = Self.config
        narrow.channelMax = 8
        let base = try Self.generator(seed: 1), styled = try Self.generator(narrow, seed: 2)
        let error = #expect(throws: StyleGANError.self) { try Blend.generator(base: base, styled: styled, swapResolution: 16) }
        #expect(error?.description == "the styled model's architecture differs from the base's: synthesis.b4.const is [16, 4, 4] "
                + "in the base and [8, 4, 4] in the styled model")

        var larger = Self.config
        larger.imageResolution = 64
        let error2 = #expect(throws: StyleGANError.self) {
            try Blend.generator(base: base, styled: try Self.generator(larger, seed: 2), swapResolution: 16)
        }
        #expect(error2?.description == "the styled model's architecture differs from the base's: synthesis.b64.conv0.affine.weight "
                + "is absent in the base and [8, 16] in the styled model")

        var clamped = Self.config
        clamped.convClamp = 256
        let error3 = #expect(throws: StyleGANError.self) {
            try Blend.generator(base: base, styled: try Self.generator(clamped, seed: 2), swapResolution: 16)
        }
        #expect(error3?.description == "the styled model's architecture differs from the base's: the conv clamp is none in the base "
                + "and 256.0 in the styled model")
        for description in [error, error2, error3].compactMap(\.?.description) { #expect(!description.contains("\n")) }
    }

    @Test("settings out of range are refused", arguments: [
        (Blend.Settings(swapResolution: 12), "swap resolution 12"),
        (Blend.Settings(swapResolution: 2), "swap resolution 2"),
        (Blend.Settings(swapResolution: 16, level: 2), "level 2"),
        (Blend.Settings(swapResolution: 16, blendWidth: 0), "blend width 0.0"),
        (Blend.Settings(swapResolution: 16, degree: 1.5), "degree 1.5"),
        (Blend.Settings(swapResolution: 16, degree: .nan), "degree nan"),
    ])
    func invalidSettings(settings: Blend.Settings, words: String) throws {
        let (base, styled) = try Self.pair()
        let error = #expect(throws: StyleGANError.self) { try Blend.generator(base: base, styled: styled, settings: settings) }
        #expect(error?.description.hasPrefix(words) == true, "\(String(describing: error))")
    }
}
