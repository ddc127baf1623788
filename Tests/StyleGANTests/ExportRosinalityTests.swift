import Foundation
import Testing
import ToonCore
import ToonIO
import ToonTestSupport
@testable import StyleGAN

/// Export to rosinality's `.pt`, checked by reading the files back with ToonKit's loader (which the
/// fixture tests pin to files rosinality's code wrote). Everything is compared exactly: export only
/// renames and reshapes, so not a bit may change. PyTorch's strict load is checked by hand with
/// Tests/ToonIOTests/Reference/check_rosinality_export.py (see docs/export.md).
@Suite("Export: rosinality checkpoints", .computeFromEnvironment)
struct ExportRosinalityTests {
    let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("toonkit-export-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    static func expectSameParameters(_ a: Generator, _ b: Generator, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.parameters.names == b.parameters.names, sourceLocation: sourceLocation)
        for (name, tensor) in a.parameters.pairs where b.parameters.contains(name) {
            let other = b.parameters[name]
            #expect(tensor.shape == other.shape && tensor.scalars == other.scalars, "\(name) differs", sourceLocation: sourceLocation)
        }
    }

    static func expectSameImages(_ a: Generator, _ b: Generator, seeds: Range<UInt32>, psi: Float = 1,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        for seed in seeds {
            let z = Tensor.randomNormal(shape: [1, a.config.zDim], seed: seed)
            let truncation = Truncation(psi: psi)
            #expect(a(z: z, truncation: truncation).scalars == b(z: z, truncation: truncation).scalars,
                    "seed \(seed), psi \(psi)", sourceLocation: sourceLocation)
        }
    }

    @Test("rosinality fixture -> export -> load: every parameter and the images for seeds 0-3 are identical",
          .enabled(if: SharedFixtures.available, SharedFixtures.skipReason))
    func fixtureRoundTrip() throws {
        let original = try GeneratorLoader.load(SharedFixtures.url("rosinality/rosinality_16.pt")).generator
        let url = folder.appendingPathComponent("rosinality_16_export.pt")
        try RosinalityExport.write(original, to: url)
        let reloaded = try GeneratorLoader.load(url)
        #expect(reloaded.format == .rosinality)
        #expect(reloaded.generator.config == original.config)
        Self.expectSameParameters(original, reloaded.generator)
        Self.expectSameImages(original, reloaded.generator, seeds: 0..<4)
        Self.expectSameImages(original, reloaded.generator, seeds: 0..<1, psi: 0.7)
    }

    @Test("the exported file holds what rosinality's file holds: the same keys in the same order, shapes and values",
          .enabled(if: SharedFixtures.available, SharedFixtures.skipReason))
    func sameFileContent() throws {
        let fixture = SharedFixtures.url("rosinality/rosinality_16.pt")
        let url = folder.appendingPathComponent("rosinality_16_export.pt")
        try RosinalityExport.write(try GeneratorLoader.load(fixture).generator, to: url)
        let theirs = try ForeignCheckpoint.load(from: fixture)
        let ours = try ForeignCheckpoint.load(from: url)
        #expect(ours.networkNames == ["g_ema"])
        #expect(ours.generator.names == theirs.generator.names)
        for (name, tensor) in theirs.generator.entries {
            guard let mine = ours.generator[name] else { continue }
            #expect(mine.shape == tensor.shape && mine.scalars == tensor.scalars, "\(name)")
        }
        #expect(ours.tensors["latent_avg"]?.shape == [512])
        #expect(ours.tensors["latent_avg"]?.scalars == theirs.tensors["latent_avg"]?.scalars)
    }

    @Test("the NVLabs fixture (channel_max 64) is refused, naming its channel table, and no file appears",
          .enabled(if: SharedFixtures.available, SharedFixtures.skipReason))
    func nvlabsRefused() throws {
        let g = try GeneratorLoader.load(SharedFixtures.url("nvlabs/nv_ada_64.pkl")).generator
        #expect(g.config.channelMax == 64)
        let url = folder.appendingPathComponent("nv.pt")
        let error = #expect(throws: StyleGANError.self) { try RosinalityExport.write(g, to: url) }
        guard case .export(.unsupported)? = error?.problem else { Issue.record("got \(String(describing: error))"); return }
        #expect(error?.description.contains("channel table (64 channels at 4px, channel_base 2048, channel_max 64)") == true,
                "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: url.path))
        #expect(RosinalityExport.arguments(for: g.config) == nil)
    }

    @Test("every feature rosinality cannot express is named")
    func unsupportedFeatures() {
        var c = GeneratorConfig(zDim: 512, cDim: 10, wDim: 256, imageResolution: 2048, imageChannels: 1,
                                mappingFeatures: 128, mappingLRMultiplier: 0.1, channelMax: 256, architecture: .resnet,
                                resampleFilter: [1, 2, 1], convClamp: 256)
        let problems = RosinalityExport.unsupportedFeatures(c).joined(separator: "\n")
        for feature in ["c_dim 10", "z_dim 512 different from w_dim 256", "mapping layers 128", "lr multiplier 0.1",
                        "1 image channels", "'resnet' architecture", "resample filter", "conv clamp 256", "resolution 2048",
                        "channel table"] {
            #expect(problems.contains(feature), "\(feature) not named in:\n\(problems)")
        }
        c = GeneratorConfig(imageResolution: 256, channelBase: 32768, channelMax: 512)
        #expect(RosinalityExport.unsupportedFeatures(c).isEmpty)
        #expect(RosinalityExport.arguments(for: c) == RosinalityExport.Arguments(size: 256, styleDim: 512, nMLP: 8, channelMultiplier: 2))
        // channel_multiplier 4 would need 1024 channels at 64px, beyond ToonKit's cap of 512 there.
        c = GeneratorConfig(imageResolution: 64, channelBase: 65536, channelMax: 1024)
        #expect(RosinalityExport.unsupportedFeatures(c).count == 1)
    }

    @Test("rosinality's state dict keys in model.py's order, including blur kernels and noise buffers")
    func stateDictNames() {
        let names = RosinalityExport.stateDictNames(GeneratorConfig(imageResolution: 8, mappingLayers: 1))
        #expect(names == [
            "style.1.weight", "style.1.bias", "input.input",
            "conv1.conv.weight", "conv1.conv.modulation.weight", "conv1.conv.modulation.bias", "conv1.noise.weight", "conv1.activate.bias",
            "to_rgb1.bias", "to_rgb1.conv.weight", "to_rgb1.conv.modulation.weight", "to_rgb1.conv.modulation.bias",
            "convs.0.conv.weight", "convs.0.conv.blur.kernel", "convs.0.conv.modulation.weight", "convs.0.conv.modulation.bias",
            "convs.0.noise.weight", "convs.0.activate.bias",
            "convs.1.conv.weight", "convs.1.conv.modulation.weight", "convs.1.conv.modulation.bias", "convs.1.noise.weight",
            "convs.1.activate.bias",
            "to_rgbs.0.bias", "to_rgbs.0.upsample.kernel", "to_rgbs.0.conv.weight", "to_rgbs.0.conv.modulation.weight",
            "to_rgbs.0.conv.modulation.bias",
            "noises.noise_0", "noises.noise_1", "noises.noise_2",
        ])
        #expect(RosinalityExport.blurKernel([1, 3, 3, 1]).scalars == [1, 3, 3, 1, 3, 9, 9, 3, 3, 9, 9, 3, 1, 3, 3, 1].map { Float($0) / 16 })
    }

    @Test("a random config-f-like generator (64px, channel_multiplier 1) exports and loads back identically")
    func randomGenerator() throws {
        let config = GeneratorConfig(zDim: 64, wDim: 64, imageResolution: 64, mappingLayers: 2, channelBase: 16384, channelMax: 512)
        #expect(RosinalityExport.arguments(for: config) == RosinalityExport.Arguments(size: 64, styleDim: 64, nMLP: 2, channelMultiplier: 1))
        var parameters = Generator.spec(config).initialize(seed: 7)
        // Non-trivial values where initialisation leaves constants, so a dropped or swapped tensor shows.
        for (name, tensor) in parameters.pairs where name.hasSuffix("bias") || name.hasSuffix("noise_strength") || name.hasSuffix("w_avg") {
            let n = tensor.count
            parameters.update(name, to: Tensor(shape: tensor.shape, scalars: (0..<n).map { Float($0 % 7) * 0.01 + 0.5 }))
        }
        let original = try Generator(config: config, parameters: parameters)
        let url = folder.appendingPathComponent("random64.pt")
        try RosinalityExport.write(original, to: url)
        let reloaded = try GeneratorLoader.load(url).generator
        #expect(reloaded.config == config)
        Self.expectSameParameters(original, reloaded)
        Self.expectSameImages(original, reloaded, seeds: 0..<1, psi: 0.7)
    }
}
