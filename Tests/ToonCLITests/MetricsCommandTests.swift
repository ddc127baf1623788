import Foundation
import ToonMetrics
import Testing
import ToonCore
import ToonIO
import ToonTestSupport

@Suite("toon metrics", .enabled(if: Toon.available, "the toon executable is not built"))
struct MetricsCommandTests {
    /// A folder of 8-bit RGB PNGs of smooth random waves (`names`, one side), seeded.
    static func folder(_ names: [String], seed: UInt32, side: Int = 32) throws -> URL {
        let url = Toon.temporaryFolder()
        var random = NumpyRandomState(seed: seed)
        for name in names {
            let file = url.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            let phase = Float(random.randomSample() * 6), noise = (0..<(3 * side * side)).map { _ in Float(random.randomSample()) * 0.2 }
            let samples = (0..<(3 * side * side)).map { i in
                0.4 + 0.3 * sin(Float(i % side) * 0.3 + Float(i / side % side) * 0.2 + phase + Float(i / (side * side))) + noise[i]
            }
            try Image(width: side, height: side, channels: 3, samples: samples).write(to: file)
        }
        return url
    }

    static let names = ["a.png", "b.png", "more/c.png"]

    @Test("a folder against itself: ssim 1 and psnr inf, in text and JSON")
    func againstItself() throws {
        let real = try Self.folder(Self.names, seed: 1)
        let ssim = try Toon.run(["metrics", "--metric", "ssim", "--real", real.path, "--fake", real.path])
        #expect(ssim.status == 0, "\(ssim.stderr)")
        #expect(ssim.stdout == "ssim 1.000000\n")
        let psnr = try Toon.run(["metrics", "--metric", "psnr", "--real", real.path, "--fake", real.path])
        #expect(psnr.stdout == "psnr inf\n", "\(psnr.stderr)")
        let json = try Toon.run(["metrics", "--metric", "psnr", "--real", real.path, "--fake", real.path, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["mean"] as? String == "inf" && object["count"] as? Int == 3 && object["metric"] as? String == "psnr")
        let wang = try Toon.run(["metrics", "--metric", "ssim", "--ssim-variant", "wang", "--real", real.path, "--fake", real.path, "--json"])
        let wangObject = try #require(try JSONSerialization.jsonObject(with: Data(wang.stdout.utf8)) as? [String: Any])
        #expect(wangObject["mean"] as? Double == 1 && wangObject["min"] as? Double == 1)
    }

    @Test("different folders: ssim below 1, psnr and mse finite; JSON has mean, min, max, count")
    func differentFolders() throws {
        let real = try Self.folder(Self.names, seed: 1), fake = try Self.folder(Self.names, seed: 2)
        let result = try Toon.run(["metrics", "--metric", "ssim", "--real", real.path, "--fake", fake.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let (mean, low, high) = try (#require(object["mean"] as? Double), #require(object["min"] as? Double), #require(object["max"] as? Double))
        #expect(low <= mean && mean <= high && high < 1 && object["count"] as? Int == 3)
        let mse = try Toon.run(["metrics", "--metric", "mse", "--real", real.path, "--fake", fake.path])
        let value = try #require(Double(mse.stdout.dropFirst(4).dropLast()))
        #expect(mse.stdout.hasPrefix("mse ") && value > 0, "\(mse.stdout)")
    }

    @Test("a missing partner or a size mismatch is one line naming the file, exit 1")
    func missingPartner() throws {
        let real = try Self.folder(Self.names, seed: 1), fake = try Self.folder(Array(Self.names.prefix(2)), seed: 2)
        let result = try Toon.run(["metrics", "--metric", "ssim", "--real", real.path, "--fake", fake.path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("toon: \(fake.appendingPathComponent("more/c.png").path): missing"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        let small = try Self.folder(Self.names, seed: 2, side: 16)
        let mismatch = try Toon.run(["metrics", "--metric", "psnr", "--real", real.path, "--fake", small.path])
        #expect(mismatch.status == 1)
        #expect(mismatch.stderr.hasPrefix("toon: \(small.appendingPathComponent("a.png").path): 16x16 pixels"), "\(mismatch.stderr)")
    }

    @Test("swd of two folders: smaller for a folder against itself than against other images")
    func swdFolders() throws {
        let real = try Self.folder((0..<8).map { "\($0).png" }, seed: 1)
        var random = NumpyRandomState(seed: 9)
        let noise = Toon.temporaryFolder()
        for i in 0..<8 {
            let samples = (0..<(3 * 32 * 32)).map { _ in Float(random.randomSample()) }
            try Image(width: 32, height: 32, channels: 3, samples: samples).write(to: noise.appendingPathComponent("\(i).png"))
        }
        func swd(_ fake: URL) throws -> Double {
            let result = try Toon.run(["metrics", "--metric", "swd", "--real", real.path, "--fake", fake.path, "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(object["swd32"] != nil && object["swd16"] != nil && object["num"] as? Int == 8)
            return try #require(object["swd_mean"] as? Double)
        }
        let same = try swd(real), other = try swd(noise)
        #expect(same < other / 2, "same \(same), noise \(other)")

        let small = try Self.folder(["0.png"], seed: 3, side: 16)
        let mismatch = try Toon.run(["metrics", "--metric", "swd", "--real", real.path, "--fake", small.path])
        #expect(mismatch.status == 1)
        #expect(mismatch.stderr.hasPrefix("toon: \(small.path): 16px images where the reals are 32px"), "\(mismatch.stderr)")
    }

    @Test("usage errors exit with 64", arguments: [
        (["--metric", "ssim", "--real", "a"], "--real and --fake"),
        (["--metric", "ssim", "--data", "a", "--real", "a", "--fake", "b"], "--data"),
        (["--metric", "psnr"], "--real and --fake"),
        (["--metric", "swd", "--data", "a", "--real", "a", "--fake", "b"], "not both"),
        (["--metric", "swd", "--network", "n.pkl", "--real", "a", "--fake", "b"], "not both"),
        (["--metric", "swd"], "--data"),
        (["--metric", "mse", "--ssim-variant", "wang", "--real", "a", "--fake", "b"], "--ssim-variant"),
        (["--metric", "fid", "--real", "a", "--fake", "b"], "needs --inception FILE"),
        (["--metric", "kid", "--data", "d.zip", "--real", "a", "--fake", "b", "--inception", "w.pth"], "not both"),
        (["--metric", "kid", "--real", "a", "--fake", "b", "--inception", "w.pth", "--num", "1"], "--num must be in 2...1000000"),
        (["--metric", "ssim", "--real", "a", "--fake", "b", "--inception", "w.pth"], "--inception goes with --metric fid or kid"),
    ])
    func usageErrors(arguments: [String], message: String) throws {
        let result = try Toon.run(["metrics"] + arguments)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("fid: a missing, corrupt or wrong-shape weight file is one line naming it, exit 1")
    func badInceptionWeights() throws {
        let real = try Self.folder(Self.names, seed: 1), fake = try Self.folder(Self.names, seed: 2)
        let folder = Toon.temporaryFolder()
        func fid(_ weights: URL) throws -> CommandResult {
            try Toon.run(["metrics", "--metric", "fid", "--real", real.path, "--fake", fake.path, "--inception", weights.path])
        }
        let missing = try fid(folder.appendingPathComponent("absent.pth"))
        #expect(missing.status != 0 && missing.stderr.contains("absent.pth"), "\(missing.stderr)")
        let corrupt = folder.appendingPathComponent("corrupt.pth")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 37) }).write(to: corrupt)
        let corruptResult = try fid(corrupt)
        #expect(corruptResult.status == 1)
        #expect(corruptResult.stderr.hasPrefix("toon: \(corrupt.path): not a torch.save file"), "\(corruptResult.stderr)")
        let wrong = folder.appendingPathComponent("wrong.pth")
        try TorchSave.write(.orderedDict([("Conv2d_1a_3x3.conv.weight", .tensor(Tensor.zeros([32, 3, 5, 5])))]), to: wrong)
        let wrongResult = try fid(wrong)
        #expect(wrongResult.status == 1)
        #expect(wrongResult.stderr == "toon: \(wrong.path): not pytorch-fid's Inception weights: tensor Conv2d_1a_3x3.conv.weight has shape [32, 3, 5, 5], expected [32, 3, 3, 3]\n")
    }

    /// The FID reference (Tests/ToonMetricsTests/Reference): pytorch-fid's value for its two image
    /// folders with the formula weights, written here as a .pth file as torch.save writes one.
    @Test("fid and kid of two folders with a weight file match pytorch-fid's and NVLabs' values to 1e-4")
    func inceptionFoldersMatchReference() throws {
        let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ToonMetricsTests/Reference")
        let values = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: reference.appendingPathComponent("fid_reference.json"))) as? [String: Any])
        let weights = Toon.temporaryFolder().appendingPathComponent("formula.pth")
        defer { try? FileManager.default.removeItem(at: weights.deletingLastPathComponent()) }
        try TorchSave.write(.orderedDict(FIDInception.stateDictShapes.map { ($0.name, .tensor(FormulaWeights.tensor($0.name, $0.shape))) }), to: weights)
        for metric in ["fid", "kid"] {
            let result = try Toon.run(["metrics", "--metric", metric, "--real", reference.appendingPathComponent("fid_images/a").path,
                                       "--fake", reference.appendingPathComponent("fid_images/b").path, "--inception", weights.path, "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let value = try #require(object["value"] as? Double), expected = try #require(values[metric] as? Double)
            #expect(abs(value - expected) / expected < 1e-4, "\(metric) \(value) vs \(expected)")
            #expect(object["metric"] as? String == metric && object["num_real"] as? Int == 6 && object["num_fake"] as? Int == 6)
        }
    }
}
