import Foundation
import Testing
import ToonCore
import ToonIO
import ToonNN
import ToonTestSupport
@testable import StyleGAN

/// What the StyleGAN3 loader derives rather than reads: the layer plan and its low-pass filters
/// (designed here as networks_stylegan3.py designs them with scipy and checked against the
/// filters the pickle stores, and against NVLabs' plans of full-size and unusual configurations in
/// Fixtures/stylegan3/sg3_layouts.json, made by make_stylegan3_layouts.py), and ToonKit's own format.
@Suite("StyleGAN3 layout, filters and formats", .computeFromEnvironment)
struct StyleGAN3DesignTests {
    static let rPickle = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/stylegan3/sg3r_16.pkl")

    static func layout(of url: URL) throws -> (GeneratorConfig, AliasFreeLayout, TensorSet) {
        let checkpoint = try ForeignCheckpoint.load(from: url)
        let config = try ForeignConfig.stylegan3(checkpoint.config)
        return (config, AliasFreeLayout(config, config.aliasFree!), checkpoint.generator)
    }

    @Test("designed filters equal the stored ones to 1e-6, radial (jinc) ones included")
    func designedFiltersMatchStored() throws {
        let (_, layout, stored) = try Self.layout(of: Self.rPickle)
        let radial = layout.layers.filter(\.downRadial)
        #expect(radial.count == 12, "R: every layer but the critically sampled ones and the toRGB")
        for layer in layout.layers where layer.upTaps > 1 {
            let up = try #require(stored["synthesis.\(layer.name).up_filter"])
            let down = try #require(stored["synthesis.\(layer.name).down_filter"])
            #expect(down.rank == (layer.downRadial ? 2 : 1))
            let pairs = Array(zip(up.scalars, layer.upFilter.taps)) + Array(zip(down.scalars, layer.downFilter.taps))
            #expect(pairs.count == layer.upTaps + down.count)
            #expect(pairs.allSatisfy { abs($0 - $1) <= 1e-6 }, "\(layer.name)")
        }
        #expect(layout.filterMismatch(stored: stored) == nil)
    }

    @Test("the layer plan of sg3t_32 is NVLabs': sizes, channels, factors, padding", .enabled(if: SharedFixtures.available, SharedFixtures.skipReason))
    func layerPlanMatchesNVLabs() throws {
        let (_, layout, _) = try Self.layout(of: SharedFixtures.url("nvlabs/sg3t_32.pkl"))
        #expect(layout.input.size == 36 && layout.input.channels == 64 && layout.input.samplingRate == 16)
        // From the official module's repr: L5 changes rate 16 -> 32 (up 4), L13 is critically sampled at 32 px.
        #expect(layout.layers.map(\.name) == ["L0_36_64", "L1_36_64", "L2_36_64", "L3_36_64", "L4_36_64", "L5_52_64", "L6_52_64",
                                              "L7_52_64", "L8_52_64", "L9_52_54", "L10_52_45", "L11_52_38", "L12_52_32",
                                              "L13_32_32", "L14_32_3"])
        #expect(layout.layers[5].upFactor == 4 && layout.layers[5].upTaps == 24 && layout.layers[5].downFactor == 2)
        #expect(layout.layers[14].upTaps == 1 && layout.layers[14].downTaps == 1 && layout.layers[14].kernel == 1)
    }

    @Test("layer plans and filters equal NVLabs' for full-size T and R, 1024 px, and a 48 px custom config",
          arguments: ["t256", "t1024", "r512", "t48_custom"])
    func layoutsMatchNVLabs(_ name: String) throws {
        let url = Self.rPickle.deletingLastPathComponent().appendingPathComponent("sg3_layouts.json")
        let all = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
        let entry = try #require(all.first { $0["name"] as? String == name })
        let kwargs = try #require(entry["kwargs"] as? [String: Any])
        func int(_ key: String) -> Int? { kwargs[key] as? Int }
        var config = GeneratorConfig(zDim: 8, wDim: 8, imageResolution: int("img_resolution")!, mappingLayers: 2,
                                     channelBase: int("channel_base")!, channelMax: int("channel_max")!)
        var a = AliasFreeConfig()
        a.layerCount = int("num_layers") ?? a.layerCount
        a.criticalLayerCount = int("num_critical") ?? a.criticalLayerCount
        a.marginSize = int("margin_size") ?? a.marginSize
        a.filterSize = int("filter_size") ?? a.filterSize
        a.leakyReLUUpsampling = int("lrelu_upsampling") ?? a.leakyReLUUpsampling
        a.convKernel = int("conv_kernel") ?? a.convKernel
        a.firstCutoff = (kwargs["first_cutoff"] as? Double) ?? a.firstCutoff
        a.lastStopbandRelative = (kwargs["last_stopband_rel"] as? Double) ?? a.lastStopbandRelative
        a.radialFilters = (kwargs["use_radial_filters"] as? Bool) ?? false
        config.aliasFree = a
        try config.validate()
        let layout = AliasFreeLayout(config, a)
        let input = try #require(entry["input"] as? [String: Any])
        #expect(layout.input.channels == input["channels"] as? Int && layout.input.size == input["size"] as? Int)
        #expect(layout.input.bandwidth == input["bandwidth"] as? Double)
        let layers = try #require(entry["layers"] as? [[String: Any]])
        #expect(layout.layers.count == layers.count)
        for (ours, theirs) in zip(layout.layers, layers) {
            let padding = theirs["padding"] as? [Int]
            #expect(ours.name == theirs["name"] as? String)
            #expect([ours.inSize, ours.inChannels, ours.kernel, ours.upFactor, ours.downFactor, ours.upTaps, ours.downTaps]
                    == ["in_size", "in_channels", "kernel", "up", "down", "up_taps", "down_taps"].map { theirs[$0] as? Int ?? -1 },
                    "\(ours.name)")
            #expect([ours.padding.x0, ours.padding.x1, ours.padding.y0, ours.padding.y1] == padding, "\(ours.name)")
            #expect(ours.downRadial == theirs["down_radial"] as? Bool, "\(ours.name)")
            for (filter, key) in [(ours.upFilter, "up_filter"), (ours.downFilter, "down_filter")] {
                let expected = (theirs[key] as? [Double])?.map(Float.init) ?? [1]
                #expect(filter.taps.count == expected.count, "\(ours.name) \(key)")
                #expect(zip(filter.taps, expected).allSatisfy { abs($0 - $1) <= 1e-6 }, "\(ours.name) \(key)")
            }
        }
    }

    @Test("a configuration whose filters differ from the stored ones is refused, naming the filter")
    func mismatchedFiltersAreRefused() throws {
        var (config, _, stored) = try Self.layout(of: Self.rPickle)
        config.aliasFree!.lastStopbandRelative = pow(2, 0.5)
        let problem = AliasFreeLayout(config, config.aliasFree!).filterMismatch(stored: stored)
        #expect(problem?.contains("synthesis.L") == true && problem?.contains("filter") == true, "\(problem ?? "nil")")
    }

    @Test("ToonKit format keeps a StyleGAN3 generator: same outputs, marked toonkit-stylegan3")
    func toonKitRoundTrip() throws {
        let loaded = try GeneratorLoader.load(Self.rPickle).generator
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sg3r-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try ToonKitFormat.write(loaded, source: "test", to: url)
        #expect(try SafeTensorsFile(url: url).config?.contains("\"toonkit-stylegan3\"") == true)
        let reloaded = try GeneratorLoader.load(url)
        #expect(reloaded.format == .toonkit && reloaded.generator.config == loaded.config)
        var random = TestRandom(seed: 5)
        let ws = random.tensor([2, loaded.numWs, loaded.config.wDim])
        #expect(reloaded.generator.synthesis(ws: ws).scalars == loaded.synthesis(ws: ws).scalars)
    }

    @Test("StyleGAN3 settings the design does not know are refused by name; conv_clamp None turns the clamp off")
    func unknownSettingsAreRefused() throws {
        func kwargs(_ extra: [(String, PickleValue)]) -> PickleValue {
            .dict(([("z_dim", .int(8)), ("w_dim", .int(8)), ("img_resolution", .int(16))] + extra).map { (.string($0.0), $0.1) })
        }
        #expect(try ForeignConfig.stylegan3(kwargs([])).convClamp == 256, "networks_stylegan3.py's default")
        #expect(try ForeignConfig.stylegan3(kwargs([("conv_clamp", .none)])).convClamp == nil)
        #expect(try ForeignConfig.stylegan3(kwargs([("use_radial_filters", .bool(true)), ("conv_kernel", .int(1))])).aliasFree?.name == "R")
        do {
            _ = try ForeignConfig.stylegan3(kwargs([("use_noise", .bool(true))]))
            Issue.record("an unknown setting was accepted")
        } catch {
            #expect("\(error)".contains("use_noise"), "\(error)")
        }
    }

    @Test("a StyleGAN3 ToonKit file marked as StyleGAN2 is refused, naming the file")
    func mislabelledToonKitFileIsRefused() throws {
        let g = try GeneratorLoader.load(Self.rPickle).generator
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sg3-mislabelled-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let json = ToonKitFormat.headerJSON(g.config, source: nil).replacingOccurrences(of: "toonkit-stylegan3", with: "toonkit-stylegan2")
        try SafeTensors.write(Dictionary(uniqueKeysWithValues: g.parameters.pairs.map { ($0.name, $0.tensor) }),
                              metadata: [SafeTensors.configKey: json], to: url)
        #expect { try GeneratorLoader.load(url) } throws: { error in
            "\(error)".contains(url.path) && "\(error)".contains("StyleGAN3")
        }
    }

    @Test("the user transform is refused on StyleGAN2 and is the identity at zero")
    func userTransform() throws {
        let r = try GeneratorLoader.load(Self.rPickle).generator
        #expect(try r.transformed(.identity).parameters["synthesis.input.transform"].scalars == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        let sg2 = try Generator(config: GeneratorConfig(zDim: 8, wDim: 8, imageResolution: 8, mappingLayers: 1, channelBase: 64, channelMax: 8),
                                parameters: Generator.spec(GeneratorConfig(zDim: 8, wDim: 8, imageResolution: 8, mappingLayers: 1,
                                                                           channelBase: 64, channelMax: 8)).initialize(seed: 1))
        #expect(throws: StyleGANError.self) { try sg2.transformed(ImageTransform(rotateDegrees: 10)) }
    }

    @Test("camera moves: start, rotation per second, path spread over the frames")
    func cameraMove() {
        let move = CameraMove(start: ImageTransform(translateX: 0.1, rotateDegrees: 5), degreesPerSecond: 30, pathX: 1, pathY: -0.5)
        let last = move.transform(frame: 10, of: 11, fps: 10, looping: false)
        #expect(abs(last.translateX - 1.1) < 1e-12 && abs(last.translateY + 0.5) < 1e-12 && abs(last.rotateDegrees - 35) < 1e-12)
        let looped = move.transform(frame: 10, of: 10, fps: 10, looping: true)
        #expect(abs(looped.translateX - 1.1) < 1e-12, "looping: the frame after the last is the end point")
        #expect(move.transform(frame: 0, of: 11, fps: 10, looping: false) == move.start)
    }
}
