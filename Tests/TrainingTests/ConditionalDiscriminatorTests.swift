import Foundation
import Testing
import ToonCore
import ToonIO
import ToonNN
import ToonTestSupport
@testable import Training

@Suite(.computeFromEnvironment) struct ConditionalDiscriminatorTests {
    static var reference: [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/conditional_d_reference.json")
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    static func tensor(_ entry: Any?) -> Tensor {
        let d = entry as! [String: Any]
        return Tensor(shape: d["shape"] as! [Int], scalars: (d["values"] as! [NSNumber]).map(\.floatValue))
    }

    /// NVLabs' conditional D (label MappingNetwork, projection epilogue) read from its state_dict names by
    /// the loader: every parameter name is one ToonKit's D declares, the label network's shape comes from
    /// the tensors, and the logits for one-hot and float labels match NVLabs' (run in float64 on the same
    /// float32 weights) within 2e-5: float32 rounding through 12 layers on logits of size about 1.
    @Test func matchesNVLabsConditionalDiscriminator() throws {
        let reference = Self.reference
        var set = TensorSet()
        for (name, entry) in reference["parameters"] as! [String: Any] {
            try set.insert(Self.tensor(entry), named: name, source: "conditional_d_reference.json")
        }
        var (config, parameters) = try DiscriminatorLoader.load(set, tf: false, resolution: 8, source: "conditional_d_reference.json")
        #expect(config.labelDimension == 3 && config.labelMapDimension == 4 && config.labelMappingLayers == 8)
        let stateNames = Set((reference["state_dict_names"] as! [String]).filter { !$0.hasSuffix("resample_filter") })
        #expect(Set(parameters.names) == stateNames)
        config.mbstdGroupSize = 2  // the script's; NVLabs stores it in init_kwargs, not in the tensors
        let d = try Discriminator(config)
        let logits = d(Self.tensor(reference["images"]), labels: Self.tensor(reference["labels"]), parameters).scalars
        let want = (reference["logits"] as! [NSNumber]).map(\.floatValue)
        #expect(logits.count == want.count)
        for (got, expected) in zip(logits, want) { #expect(abs(got - expected) < 2e-5, "\(got) vs \(expected)") }
        // The labels matter: the same images with other labels score differently.
        let swapped = d(Self.tensor(reference["images"]), labels: Self.tensor(reference["labels"]).flipped(axes: [0]), parameters).scalars
        #expect(zip(swapped, want).contains { abs($0 - $1) > 1e-2 })
    }

    func tinyConditional() throws -> (Discriminator, ParameterStore) {
        let d = try Discriminator(DiscriminatorConfig(imageResolution: 8, channelBase: 32, channelMax: 4, mbstdGroupSize: 2, cDim: 3))
        return (d, d.spec.initialize(seed: 6))
    }

    /// The projection head and the label network differentiate correctly: with respect to the images (G's
    /// loss, R1), the labels, and the weights of the label embedding, a mapping layer and the output layer.
    @Test func conditionalHeadGradientsMatchFiniteDifferences() throws {
        let (d, p) = try tinyConditional()
        var random = TestRandom(seed: 12)
        let x = random.tensor([2, 3, 8, 8])
        let c = Tensor(shape: [2, 3], scalars: [1, 0, 0, 0.2, -0.7, 0.5])
        checkGradients(of: { d($0[0], labels: $0[1], p) }, at: [x, c])
        let names = ["mapping.embed.weight", "mapping.fc3.weight", "mapping.fc7.bias", "b4.out.weight", "b4.out.bias"]
        checkGradients(of: { xs in
            var q = p
            for (name, t) in zip(names, xs) { q.update(name, to: t) }
            return d(x, labels: c, q)
        }, at: names.map { p[$0] })
    }

    /// The label fields are optional: an unconditional config's JSON (in every snapshot) is what it was
    /// before them, so older snapshots read back and older toons read newer unconditional ones.
    @Test func unconditionalConfigJSONHasNoLabelFields() throws {
        let plain = DiscriminatorConfig(imageResolution: 16, channelBase: 64, channelMax: 8)
        let json = String(decoding: try JSONEncoder().encode(plain), as: UTF8.self)
        #expect(!json.contains("cDim") && !json.contains("cmapDim") && !json.contains("mappingLayers"), "\(json)")
        let old = #"{"imageResolution":16,"imageChannels":3,"channelBase":64,"channelMax":8,"mbstdGroupSize":4,"mbstdChannels":1,"resampleFilter":[1,3,3,1]}"#
        let decoded = try JSONDecoder().decode(DiscriminatorConfig.self, from: Data(old.utf8))
        #expect(decoded == plain && !decoded.isConditional)
        var conditional = plain
        conditional.cDim = 5
        #expect(conditional.labelMapDimension == 8 && conditional.labelMappingLayers == 8)
        #expect(try JSONDecoder().decode(DiscriminatorConfig.self, from: JSONEncoder().encode(conditional)) == conditional)
    }

    @Test func unconditionalConfigHasNoLabelNetwork() throws {
        let d = try Discriminator(DiscriminatorConfig(imageResolution: 8, channelBase: 32, channelMax: 4))
        #expect(!d.spec.entries.contains { $0.name.hasPrefix("mapping.") })
        #expect(d.spec.entries.first { $0.name == "b4.out.weight" }?.shape == [1, 4])
        let (conditional, _) = try tinyConditional()
        #expect(conditional.spec.entries.first { $0.name == "b4.out.weight" }?.shape == [4, 4])
    }
}
