import Foundation
import Testing
import ToonCore
import ToonIO
import ToonTestSupport
@testable import StyleGAN

/// Original StyleGAN (v1) generators against the official code (NVlabs/stylegan under TensorFlow 2's
/// compat.v1 graph mode on CPU, float32), from Tests/Fixtures/stylegan1/make_stylegan1_reference.py:
/// a64.pkl (defaults, (G, D, Gs)) and b16.pkl (Gs alone, every setting changed, lod 0.6).
/// Tolerance: max |ours - theirs| <= 1e-4 x the reference's value range, the bound. A wrong
/// flip of the fused kernel, blur padding, gain or noise index moves outputs by percents of the range.
@Suite("StyleGAN (v1) matches NVlabs/stylegan", .computeFromEnvironment)
struct StyleGAN1FixtureTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/stylegan1")

    static func fixture(_ name: String) throws -> Tensor { try NPY.read(folder.appendingPathComponent(name)) }
    static func load(_ name: String) throws -> LoadedGenerator { try GeneratorLoader.load(folder.appendingPathComponent(name)) }

    static func expectClose(_ got: Tensor, _ expected: Tensor, _ what: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        StyleGAN3FixtureTests.expectClose(got, expected, what, sourceLocation: sourceLocation)
    }

    @Test("a64.pkl: Gs's config, z from seeds, w, truncated ws and images at psi 1 and 0.7 (cutoff 8 of 10)")
    func defaultsMatch() throws {
        let loaded = try Self.load("a64.pkl")
        #expect(loaded.format == .tensorFlowStyleGAN1)
        let g = loaded.generator
        #expect(g.config.generation == "StyleGAN1" && g.numWs == 10 && g.config.zDim == 32 && g.config.wDim == 32)
        #expect(g.config.blockResolutions.map { g.config.channels(at: $0) } == [16, 16, 8, 4, 2])
        #expect(g.defaultTruncation == Truncation(psi: 0.7, cutoff: 8))
        let z = try Self.fixture("a64_z.npy")
        #expect(Latents.z(seeds: [0, 1], zDim: 32).scalars == z.scalars, "seeds as np.random.RandomState(seed).randn(1, 32)")
        let w = try Self.fixture("a64_w.npy")
        Self.expectClose(withoutGradients { g.mapping(z: z) }, w, "w")
        let truncated = withoutGradients { g.mapping(z: z, truncation: g.defaultTruncation) }
        Self.expectClose(truncated, try Self.fixture("a64_ws_psi0.7.npy"), "ws at psi 0.7")
        Self.expectClose(g(z: z), try Self.fixture("a64_img_psi1.0.npy"), "images at psi 1")
        Self.expectClose(g(z: z, truncation: g.defaultTruncation), try Self.fixture("a64_img_psi0.7.npy"), "images at psi 0.7")
    }

    @Test("a64.pkl: generate_figures.py's style mixing (ws 4-9 from seed 1) and lod 1.5")
    func mixingAndLevelOfDetailMatch() throws {
        var g = try Self.load("a64.pkl").generator
        let w = try Self.fixture("a64_w.npy")
        let mixed = StyleMixing.mix(w.slice(axis: 0, 0..<1), styles: w.slice(axis: 0, 1..<2), layers: Array(4..<10))
        Self.expectClose(withoutGradients { g.synthesis(ws: mixed) }, try Self.fixture("a64_mix.npy"), "style mixing")
        g.parameters.update("lod", to: Tensor(shape: [], scalars: [1.5]))
        let z = try Self.fixture("a64_z.npy").slice(axis: 0, 0..<1)
        Self.expectClose(g(z: z), try Self.fixture("a64_lod1.5.npy"), "lod 1.5")
    }

    @Test("b16.pkl: conditional, no wscale, relu, pixel norm, blur [1,3,3,1], fused, stored psi 0.6 on 4 ws, lod 0.6")
    func everySettingMatches() throws {
        let loaded = try Self.load("b16.pkl")
        let g = loaded.generator
        let v1 = try #require(g.config.styleGAN1)
        #expect(g.config.cDim == 3 && g.config.zDim == 12 && g.config.wDim == 10 && g.config.mappingLayers == 3)
        #expect(!v1.mappingWScale && !v1.synthesisWScale && v1.nonlinearity == .relu && v1.usePixelNorm)
        #expect(v1.blurFilter == [1, 3, 3, 1] && v1.fusedScale == .always)
        #expect(g.defaultTruncation == Truncation(psi: 0.6, cutoff: 4))
        #expect(g.parameters["lod"].scalar == 0.6)
        let z = try Self.fixture("b16_z.npy"), labels = try Self.fixture("b16_labels.npy")
        #expect(try Latents.classLabels(2, count: 1, cDim: 3)?.scalars == labels.slice(axis: 0, 0..<1).contiguous().scalars)
        Self.expectClose(withoutGradients { g.mapping(z: z, c: labels) }, try Self.fixture("b16_w.npy"), "w")
        Self.expectClose(g(z: z, c: labels, truncation: g.defaultTruncation), try Self.fixture("b16_img_default.npy"), "images, default truncation")
        Self.expectClose(g(z: z, c: labels), try Self.fixture("b16_img_psi1.0.npy"), "images at psi 1")
    }

    @Test("the differentiable path (ws recording gradients) matches the official code as the fused inference path does")
    func differentiablePathMatches() throws {
        for (pickle, w, reference) in [("a64.pkl", "a64_w.npy", "a64_img_psi1.0.npy"), ("b16.pkl", "b16_w.npy", "b16_img_psi1.0.npy")] {
            let g = try Self.load(pickle).generator
            let ws = try Self.fixture(w).requiringGrad()
            let images = g.synthesis(ws: ws)
            #expect(images.requiresGrad, "\(pickle): the composed ops ran")
            Self.expectClose(images.detached(), try Self.fixture(reference), "\(pickle) with gradients recorded")
        }
    }

    @Test("upsampling: NVLabs' transposed-conv forms (4x4 kernel summed over shifts, flipped or not) equal nearest upsampling then the 3x3 conv")
    func upsamplingForms() throws {
        var random = TestRandom(seed: 11)
        let x = random.tensor([2, 3, 5, 5]), w = random.tensor([4, 3, 3, 3])
        for fused in [false, true] {
            let transposed = x.transposedConv2d(StyleLayer.upsamplingKernel(w, fused: fused), stride: 2, padding: 1)
            let direct = x.resized(scale: 2, mode: .nearest).conv2d(fused ? w.flipped(axes: [2, 3]) : w, padding: 1)
            let error = zip(transposed.scalars, direct.scalars).map { abs($0 - $1) }.max()!
            #expect(error < 1e-5, "fused \(fused): \(error)")
        }
    }

    @Test("ToonKit format keeps a v1 generator losslessly: every tensor bit for bit, same images, marked toonkit-stylegan1")
    func toonKitRoundTrip() throws {
        for pickle in ["a64.pkl", "b16.pkl"] {
            let g = try Self.load(pickle).generator
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("sg1-\(UUID().uuidString).safetensors")
            let again = FileManager.default.temporaryDirectory.appendingPathComponent("sg1-\(UUID().uuidString).safetensors")
            defer { try? FileManager.default.removeItem(at: url); try? FileManager.default.removeItem(at: again) }
            try ToonKitFormat.write(g, source: "test", to: url)
            #expect(try SafeTensorsFile(url: url).config?.contains("\"toonkit-stylegan1\"") == true)
            let reloaded = try GeneratorLoader.load(url)
            #expect(reloaded.format == .toonkit && reloaded.generator.config == g.config)
            for (name, tensor) in g.parameters.pairs {
                #expect(reloaded.generator.parameters[name].scalars == tensor.scalars, "\(name)")
            }
            try ToonKitFormat.write(reloaded.generator, source: "test", to: again)
            #expect(try Data(contentsOf: url) == Data(contentsOf: again), "safetensors -> safetensors is byte-identical")
            let c = g.config.cDim > 0 ? try Latents.classLabels(1, count: 2, cDim: g.config.cDim) : nil
            let z = Latents.z(seeds: [7, 8], zDim: g.config.zDim)
            #expect(reloaded.generator(z: z, c: c, truncation: g.defaultTruncation).scalars
                    == g(z: z, c: c, truncation: g.defaultTruncation).scalars)
        }
    }

    @Test("every Gs variable of the pickle has a ToonKit name, and the v1 table maps back to it")
    func everyVariableIsRenamed() throws {
        let checkpoint = try ForeignCheckpoint.load(from: Self.folder.appendingPathComponent("a64.pkl"))
        #expect(checkpoint.format == .tfStyleGAN1 && checkpoint.generatorName == "Gs")
        let g = try Self.load("a64.pkl").generator
        let used = Set(g.parameters.names.compactMap { ForeignNames.styleGAN1($0, resolution: 64)?.name })
        #expect(used.count == g.parameters.count)
        #expect(Set(checkpoint.generator.names) == used, "unused: \(Set(checkpoint.generator.names).subtracting(used).sorted())")
    }

    @Test("random noise: reproducible per seed, differs from the stored noise; no noise differs again")
    func noiseModes() throws {
        let g = try Self.load("a64.pkl").generator
        let z = Latents.z(seeds: [3], zDim: 32)
        let stored = g(z: z), none = g(z: z, noise: .none)
        let random = g(z: z, noise: .random(seed: 3)), again = g(z: z, noise: .random(seed: 3)), other = g(z: z, noise: .random(seed: 4))
        #expect(random.scalars == again.scalars)
        #expect(random.scalars != stored.scalars && random.scalars != other.scalars && none.scalars != stored.scalars)
    }
}
