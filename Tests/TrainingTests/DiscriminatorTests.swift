import Foundation
import Testing
import ToonCore
import ToonIO
import ToonNN
import ToonTestSupport
@testable import Training

@Suite(.computeFromEnvironment) struct DiscriminatorTests {
    /// NVLabs' TF StyleGAN2 D on the shared fixture: logits of the official code for one batch of two
    /// (minibatch-stddev group 2) and for each image alone. Float32 against float32: 1e-4.
    @Test(.enabled(if: SharedFixtures.available)) func matchesTheOfficialTFDiscriminator() throws {
        let url = SharedFixtures.url("tf/small64/small64.pkl")
        let checkpoint = try ForeignCheckpoint.load(from: url)
        let (config, parameters) = try #require(try DiscriminatorLoader.load(checkpoint, resolution: 64))
        #expect(config.channels(at: 64) == 8 && config.channels(at: 4) == 64)
        let d = try Discriminator(config)
        let input = try NPY.read(SharedFixtures.url("tf/small64/d_input.npy"))
        let batch = try NPY.read(SharedFixtures.url("tf/small64/d_logits_batch2.npy")).scalars
        let single = try NPY.read(SharedFixtures.url("tf/small64/d_logits_single.npy")).scalars
        let logits = d(input, parameters).scalars
        for (got, want) in zip(logits, batch) { #expect(abs(got - want) < 1e-4, "batch: \(got) vs \(want)") }
        for i in 0..<2 {
            let alone = d(input.slice(axis: 0, i..<(i + 1)), parameters).scalar
            #expect(abs(alone - single[i]) < 1e-4, "image \(i) alone: \(alone) vs \(single[i])")
        }
    }

    func tinyDiscriminator() throws -> (Discriminator, ParameterStore) {
        let d = try Discriminator(DiscriminatorConfig(imageResolution: 8, channelBase: 32, channelMax: 4, mbstdGroupSize: 2))
        return (d, d.spec.initialize(seed: 5))
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        let (d, p) = try tinyDiscriminator()
        var random = TestRandom(seed: 8)
        let x = random.tensor([2, 3, 8, 8])
        // With respect to the images (what G's loss and R1 use) and to a few weights.
        checkGradients(of: { d($0[0], p) }, at: [x])
        let names = ["b8.conv1.weight", "b8.skip.weight", "b4.fc.weight"]
        checkGradients(of: { xs in
            var q = p
            for (name, t) in zip(names, xs) { q.update(name, to: t) }
            return d(x, q)
        }, at: names.map { p[$0] })
    }

    @Test func r1PenaltyHasSecondOrderGradients() throws {
        let (d, p) = try tinyDiscriminator()
        var random = TestRandom(seed: 9)
        let x = random.tensor([2, 3, 8, 8])
        // R1 differentiates D's input gradient with respect to D's weights.
        checkGradients(of: { xs in
            var q = p
            q.update("b8.conv0.weight", to: xs[0])
            let reals = x.requiringGrad()
            return GANLoss.r1Penalty(realLogits: d(reals, q), reals: reals)
        }, at: [p["b8.conv0.weight"]])
    }

    @Test func tfNamesFollowLegacyConversion() {
        #expect(DiscriminatorLoader.tfName("b64.fromrgb.weight") == "64x64/FromRGB/weight")
        #expect(DiscriminatorLoader.tfName("b8.conv1.bias") == "8x8/Conv1_down/bias")
        #expect(DiscriminatorLoader.tfName("b4.fc.weight") == "4x4/Dense0/weight")
        #expect(DiscriminatorLoader.tfName("b4.out.bias") == "Output/bias")
    }
}

@Suite(.computeFromEnvironment) struct FreezeDTests {
    @Test func layersCountFromTheInputAsNVLabsCountsThem() throws {
        let d = try Discriminator(DiscriminatorConfig(imageResolution: 16, channelBase: 64, channelMax: 8))
        // b16: fromrgb 0, conv0 1, conv1 2, skip 3; b8: conv0 4, ...
        #expect(d.frozenNames(firstLayers: 0).isEmpty)
        #expect(d.frozenNames(firstLayers: 2) == ["b16.fromrgb.weight", "b16.fromrgb.bias", "b16.conv0.weight", "b16.conv0.bias"])
        #expect(d.frozenNames(firstLayers: 5).contains("b8.conv0.weight"))
        #expect(d.frozenNames(firstLayers: 5).contains("b16.skip.weight"))
        #expect(!d.frozenNames(firstLayers: 100).contains { $0.hasPrefix("b4.") })
    }
}
