import Foundation
import Testing
import StyleGAN
import ToonCore
import ToonIO
import ToonTestSupport
@testable import Toonify

/// Blending across checkpoint formats. No two shared fixtures share an architecture, so each styled
/// model is a fine-tune made from a fixture here and written in another format (what `toon convert`
/// writes: ToonKit's safetensors, rosinality's .pt); the base is the fixture file as the official
/// code wrote it.
@Suite("Blend: bases and styled models in different formats", .computeFromEnvironment, .enabled(if: SharedFixtures.available, SharedFixtures.skipReason))
struct BlendFormatsTests {
    let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("toonkit-blend-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    @Test("a fixture base with a fine-tune in another format: every parameter from the model the rule names",
          arguments: [("tf/small64/small64.pkl", "safetensors"), ("nvlabs/nv_ada_64.pkl", "safetensors"),
                      ("rosinality/rosinality_16.pt", "safetensors"), ("rosinality/rosinality_16.pt", "pt")])
    func crossFormat(fixture: String, styledFormat: String) throws {
        let baseURL = SharedFixtures.url(fixture)
        let base = try GeneratorLoader.load(baseURL).generator
        let tuned = try BlendTests.fineTune(of: base, seed: 5)
        let styledURL = folder.appendingPathComponent("styled.\(styledFormat)")
        if styledFormat == "pt" {
            try RosinalityExport.write(tuned, to: styledURL)
        } else {
            try ToonKitFormat.write(tuned, source: "test fine-tune", to: styledURL)
        }
        let styled = try GeneratorLoader.load(styledURL)
        #expect(styled.format == (styledFormat == "pt" ? .rosinality : .toonkit))
        let swap = base.config.imageResolution / 2
        for level in [0, 1] {
            let blended = try Blend.generator(base: try GeneratorLoader.load(baseURL).generator, styled: styled.generator,
                                              swapResolution: swap, level: level)
            BlendTests.expectFrom(blended, base: base, styled: styled.generator) { BlendTests.expectedShare($0, swap: swap, level: level) }
        }
        let z = Tensor.randomNormal(shape: [1, base.config.zDim], seed: 11)
        let atFour = try Blend.generator(base: base, styled: styled.generator, swapResolution: 4)
        let same = atFour(z: z).scalars == tuned(z: z).scalars
        #expect(same, "--swap-res 4 should make the fine-tune's images")
    }
}
