import Foundation
import Testing
import ToonCore
@testable import ToonIO
import ToonTestSupport

/// Every fixture checkpoint loads, with the names, shapes and values the Python reference reads
/// (Reference/make_checkpoint_reference.py, a restricted unpickler over numpy).
@Suite("Checkpoint fixtures", .computeFromEnvironment, .enabled(if: CheckpointFixtures.available, CheckpointFixtures.skipReason))
struct CheckpointFixtureTests {
    static func load(_ relative: String) throws -> ForeignCheckpoint {
        try ForeignCheckpoint.decode(try CheckpointFixtures.bytes(relative).all, source: relative)
    }

    /// Sums are compared with a relative tolerance of 1e-9: the reference sums float32 values in
    /// float64 pairwise, this test left to right, and both round the same float32 inputs.
    func compare(_ checkpoint: ForeignCheckpoint, with fixture: String) {
        let entry = CheckpointFixtures.reference[fixture] as! [String: Any]
        #expect(checkpoint.format.rawValue == entry["format"] as? String)
        #expect(checkpoint.generatorName == entry["generator"] as? String)
        var groups = (entry["networks"] as! [String: [String: Any]]).map { ($0.key, $0.value, checkpoint.networks[$0.key]) }
        if let extra = entry["extra"] as? [String: Any] {
            var set = TensorSet()
            for (name, tensor) in checkpoint.tensors { try! set.insert(tensor, named: name, source: "") }
            groups.append(("extra", extra, set))
        }
        for (network, expected, loaded) in groups {
            guard let loaded else { Issue.record("\(fixture): network \(network) missing"); continue }
            #expect(Set(loaded.names) == Set(expected.keys), "\(fixture) \(network): tensor names differ")
            for (name, value) in expected {
                let stats = value as! [String: Any]
                guard let tensor = loaded[name] else { continue }
                #expect(tensor.shape == stats["shape"] as! [Int], "\(network) \(name) shape")
                let scalars = tensor.scalars
                var sum = 0.0
                var sumsq = 0.0
                for x in scalars { sum += Double(x); sumsq += Double(x) * Double(x) }
                let refSum = stats["sum"] as! Double
                let refSq = stats["sumsq"] as! Double
                let scale = max(1, refSq)
                #expect(abs(sum - refSum) <= 1e-9 * scale, "\(network) \(name) sum \(sum) vs \(refSum)")
                #expect(abs(sumsq - refSq) <= 1e-9 * scale, "\(network) \(name) sum of squares")
                let first = (stats["first"] as! [Double]).map { Float($0) }
                #expect(Array(scalars.prefix(4)) == first, "\(network) \(name) first values")
            }
        }
    }

    @Test("TF1 small64.pkl: Gs is the generator, D and G are kept, values match the reference")
    func tfValues() throws {
        let checkpoint = try Self.load("tf/small64/small64.pkl")
        compare(checkpoint, with: "tf/small64/small64.pkl")
        #expect(checkpoint.networkNames == ["G", "D", "Gs"])
        #expect(checkpoint.generator["synthesis/64x64/Conv0_up/weight"]?.shape == [3, 3, 16, 8])
    }

    @Test("TF1 names and shapes follow pickle_structure.json in order, for G, D and Gs")
    func tfStructure() throws {
        let checkpoint = try Self.load("tf/small64/small64.pkl")
        let data = try Data(contentsOf: CheckpointFixtures.url("tf/small64/pickle_structure.json"))
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let networks = json["networks"] as! [String: [String: Any]]
        for key in ["G", "D", "Gs"] {
            let variables = networks[key]!["variables"] as! [[String: Any]]
            let set = try #require(checkpoint.networks[key])
            #expect(set.names == variables.map { $0["name"] as! String }, "\(key) names in file order")
            for v in variables {
                #expect(set[v["name"] as! String]?.shape == v["shape"] as? [Int], "\(key) \(v["name"]!)")
            }
        }
    }

    @Test("TF1 config: static_kwargs with components' kwargs")
    func tfConfig() throws {
        let config = try Self.load("tf/small64/small64.pkl").config
        #expect(config["resolution"]?.int == 64)
        #expect(config["latent_size"]?.int == 128)
        #expect(config["mapping_layers"]?.int == 4)
        #expect(config["mapping_fmaps"]?.int == 256)
        #expect(config["build_func_name"]?.string == "G_main")
        #expect(config["components"]?["mapping"]?["dlatent_broadcast"]?.int == 10)
        #expect(config["components"]?["synthesis"]?["build_func_name"]?.string == "G_synthesis_stylegan2")
    }

    @Test("Python 3.7 framing reads the same as 3.6 framing")
    func tfFraming() throws {
        let a = try Self.load("tf/small64/small64.pkl")
        let b = try Self.load("tf/small64/small64_py37framing.pkl")
        for key in a.networkNames {
            #expect(a.networks[key]!.names == b.networks[key]!.names)
            for (name, tensor) in a.networks[key]!.entries {
                #expect(tensor.scalars == b.networks[key]![name]!.scalars, "\(key) \(name)")
            }
        }
    }

    @Test("NVLabs stylegan2-ada snapshot: G_ema is the generator, G and D kept, values match")
    func nvlabs() throws {
        let checkpoint = try Self.load("nvlabs/nv_ada_64.pkl")
        compare(checkpoint, with: "nvlabs/nv_ada_64.pkl")
        #expect(checkpoint.generator["synthesis.b64.conv0.weight"]?.shape == [32, 64, 3, 3])
        #expect(checkpoint.values["augment_pipe"]?.isNone == true)
        let config = checkpoint.config
        #expect(config["z_dim"]?.int == 128)
        #expect(config["img_resolution"]?.int == 64)
        #expect(config["mapping_kwargs"]?["num_layers"]?.int == 8)
        #expect(config["synthesis_kwargs"]?["channel_base"]?.int == 2048)
        #expect(config["synthesis_kwargs"]?["conv_clamp"]?.isNone == true)
        #expect(config["class_name"]?.string == "Generator")
    }

    @Test("NVLabs stylegan3-T snapshot is told apart and reads like the others")
    func stylegan3() throws {
        let checkpoint = try Self.load("nvlabs/sg3t_32.pkl")
        compare(checkpoint, with: "nvlabs/sg3t_32.pkl")
        #expect(checkpoint.config["magnitude_ema_beta"]?.double == 0.9988915792636801)
    }

    @Test("rosinality .pt: g_ema and latent_avg, tensors point into the mapped file")
    func rosinality() throws {
        let checkpoint = try Self.load("rosinality/rosinality_16.pt")
        compare(checkpoint, with: "rosinality/rosinality_16.pt")
        #expect(checkpoint.counts.copied == 0)
        #expect(checkpoint.counts.borrowed == checkpoint.generator.count + 1)
        let config = checkpoint.config
        #expect(config["size"]?.int == 16)
        #expect(config["style_dim"]?.int == 512)
        #expect(config["n_mlp"]?.int == 8)
        #expect(config["n_latent"]?.int == 6)
        #expect(config["channels"]?.dictPairs?.count == 3)
    }

    @Test("load(from:) maps the file and detects the format")
    func loadFromURL() throws {
        let checkpoint = try ForeignCheckpoint.load(from: CheckpointFixtures.url("rosinality/rosinality_16.pt"))
        #expect(checkpoint.format == .rosinality)
        #expect(checkpoint.source.hasSuffix("rosinality_16.pt"))
    }
}
