import Foundation
import Testing
import ToonIO
import ToonTestSupport

@Suite("toon metrics --metric ppl", .enabled(if: Toon.available, "the toon executable is not built"))
struct MetricsPPLCommandTests {
    /// The formula LPIPS weights written as torch.save files: VGG16 under torchvision's names, the
    /// linear layers under the lpips package's.
    static let weights: (vgg: URL, linear: URL) = {
        let folder = Toon.temporaryFolder()
        let vgg = folder.appendingPathComponent("vgg16.pth"), linear = folder.appendingPathComponent("vgg.pth")
        for (set, url) in [(FormulaLPIPS.stateDicts.vgg, vgg), (FormulaLPIPS.stateDicts.linear, linear)] {
            try! TorchSave.write(.orderedDict(set.names.map { ($0, .tensor(set[$0]!)) }), to: url)
        }
        return (vgg, linear)
    }()

    static func ppl(_ extra: [String]) throws -> CommandResult {
        try Toon.run(["metrics", "--metric", "ppl", "--vgg16", weights.vgg.path, "--lpips", weights.linear.path] + extra)
    }

    @Test("the built-in model's ppl_wend: one JSON object, the same again from the same seed, another from another")
    func builtInModelIsSeeded() throws {
        let first = try Self.ppl(["--num", "12", "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        let value = try #require(object["value"] as? Double)
        #expect(value > 0 && value.isFinite)
        #expect(object["space"] as? String == "w" && object["sampling"] as? String == "end" && object["crop"] as? Bool == true)
        #expect(object["num"] as? Int == 12 && object["seed"] as? Int == 0)
        #expect(try Self.ppl(["--num", "12", "--json"]).stdout == first.stdout)
        let other = try Self.ppl(["--num", "12", "--ppl-seed", "5", "--ppl-space", "z", "--ppl-sampling", "full"])
        #expect(other.status == 0, "\(other.stderr)")
        #expect(other.stdout.hasPrefix("ppl_zfull "), "\(other.stdout)")
    }

    @Test("usage errors exit with 64", arguments: [
        (["--metric", "ppl"], "needs --vgg16 FILE"),
        (["--metric", "ppl", "--vgg16", "v.pth"], "--lpips FILE"),
        (["--metric", "swd", "--data", "d.zip", "--vgg16", "v.pth"], "--vgg16, --lpips and --ppl-* go with --metric ppl"),
        (["--metric", "fid", "--real", "a", "--fake", "b", "--inception", "w.pth", "--ppl-no-crop"], "go with --metric ppl"),
        (["--metric", "ppl", "--vgg16", "v", "--lpips", "l", "--real", "a", "--fake", "b"], "--real and --fake are for the other metrics"),
        (["--metric", "ppl", "--vgg16", "v", "--lpips", "l", "--num", "0"], "--num must be in 1...1000000"),
    ])
    func usageErrors(arguments: [String], message: String) throws {
        let result = try Toon.run(["metrics"] + arguments)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("weight files swapped or missing: one line naming the file, exit 1")
    func wrongWeights() throws {
        let swapped = try Toon.run(["metrics", "--metric", "ppl", "--vgg16", Self.weights.linear.path, "--lpips", Self.weights.vgg.path])
        #expect(swapped.status == 1)
        #expect(swapped.stderr == "toon: \(Self.weights.linear.path): not torchvision's VGG16 weights: no tensor features.0.weight\n", "\(swapped.stderr)")
        let absent = Toon.temporaryFolder().appendingPathComponent("absent.pth")
        let missing = try Toon.run(["metrics", "--metric", "ppl", "--vgg16", Self.weights.vgg.path, "--lpips", absent.path])
        #expect(missing.status != 0 && missing.stderr.contains("absent.pth") && missing.stderr.split(separator: "\n").count == 1, "\(missing.stderr)")
    }
}
