import Foundation
import Testing
@testable import ToonMetrics
import ToonCore
import ToonIO

/// Reading pytorch-fid's weight file: a torch.save state dict, checked name by name and shape by shape.
struct InceptionWeightFileTests {
    static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("toonkit-fid-\(UUID().uuidString)-\(name)")
    }

    /// The formula state dict with `change` applied to each (name, tensor); nil drops the entry.
    static func edited(_ change: (String, Tensor) -> Tensor?) -> TensorSet {
        var set = TensorSet()
        for (name, tensor) in FormulaInceptionWeights.stateDict().entries {
            if let t = change(name, tensor) { try! set.insert(t, named: name, source: "edited") }
        }
        return set
    }

    static func failure(_ stateDict: TensorSet) -> String? {
        do { _ = try FIDInception(stateDict: stateDict, source: "weights.pth"); return nil } catch { return error.description }
    }

    @Test func stateDictFileKeepsNamesShapesOrderAndValues() throws {
        let url = Self.temporaryFile("small.pth")
        defer { try? FileManager.default.removeItem(at: url) }
        let conv = Tensor(shape: [2, 1, 1, 3], scalars: [1, -2, 3, 4.5, 0, -6])
        try TorchSave.write(.orderedDict([("Conv2d_1a_3x3.conv.weight", .tensor(conv)),
                                          ("Conv2d_1a_3x3.bn.running_var", .tensor(Tensor(shape: [2], scalars: [0.5, 2])))]), to: url)
        let set = try TorchStateDict.load(from: url)
        #expect(set.names == ["Conv2d_1a_3x3.conv.weight", "Conv2d_1a_3x3.bn.running_var"])
        #expect(set["Conv2d_1a_3x3.conv.weight"]?.shape == [2, 1, 1, 3])
        #expect(set["Conv2d_1a_3x3.conv.weight"]?.scalars == conv.scalars)
        #expect(set["Conv2d_1a_3x3.bn.running_var"]?.scalars == [0.5, 2])
        // A wrong shape in a file: the tensor, both shapes and the file are named.
        #expect(throws: MetricsError.self) { try FIDInception.load(from: url) }
        do { _ = try FIDInception.load(from: url) } catch {
            #expect(error.description == "\(url.path): not pytorch-fid's Inception weights: tensor Conv2d_1a_3x3.conv.weight has shape [2, 1, 1, 3], expected [32, 3, 3, 3]")
        }
    }

    @Test func truncatedFileIsRefusedInOneLineNamingTheFile() throws {
        let url = Self.temporaryFile("truncated.pth")
        defer { try? FileManager.default.removeItem(at: url) }
        try TorchSave.write(.orderedDict([("a", .tensor(Tensor(shape: [64], scalars: (0..<64).map(Float.init))))]), to: url)
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count / 2).write(to: url)
        do {
            _ = try FIDInception.load(from: url)
            Issue.record("a truncated file loaded")
        } catch {
            #expect(error.description.hasPrefix(url.path + ": "), "\(error.description)")
            #expect(!error.description.contains("\n"))
            print("truncated weight file: \(error.description)")
        }
    }

    @Test func wrongShapeMissingAndUnexpectedTensorsAreNamed() {
        let wrongShape = Self.edited { name, t in
            name == "Mixed_6b.branch7x7_2.conv.weight" ? t.reshaped([128, 128, 7, 1]) : t
        }
        #expect(Self.failure(wrongShape) == "weights.pth: not pytorch-fid's Inception weights: tensor Mixed_6b.branch7x7_2.conv.weight has shape [128, 128, 7, 1], expected [128, 128, 1, 7]")
        let missing = Self.edited { name, t in name == "Mixed_7c.branch_pool.bn.running_mean" ? nil : t }
        #expect(Self.failure(missing) == "weights.pth: not pytorch-fid's Inception weights: no tensor Mixed_7c.branch_pool.bn.running_mean")
        var extra = FormulaInceptionWeights.stateDict()
        try! extra.insert(Tensor(shape: [1], scalars: [0]), named: "AuxLogits.conv0.conv.weight", source: "edited")
        #expect(Self.failure(extra)?.contains("unexpected tensor AuxLogits.conv0.conv.weight") == true)
        let negativeVariance = Self.edited { name, t in
            name == "Conv2d_3b_1x1.bn.running_var" ? Tensor(shape: t.shape, scalars: [-1] + t.scalars.dropFirst()) : t
        }
        #expect(Self.failure(negativeVariance) == "weights.pth: not pytorch-fid's Inception weights: tensor Conv2d_3b_1x1.bn.running_var has -1.0 at 0, not a variance")
    }

    @Test func classifierAndBatchCountsInTheFileAreAccepted() {
        var set = FormulaInceptionWeights.stateDict()
        try! set.insert(Tensor.zeros([1008, 2048]), named: "fc.weight", source: "full")
        try! set.insert(Tensor.zeros([1008]), named: "fc.bias", source: "full")
        try! set.insert(Tensor(shape: [], scalars: [0]), named: "Mixed_5b.branch1x1.bn.num_batches_tracked", source: "full")
        #expect(Self.failure(set) == nil)
    }

    @Test func fullWeightFileLoadsToTheNetworkOfItsStateDict() throws {
        let url = Self.temporaryFile("formula.pth")
        defer { try? FileManager.default.removeItem(at: url) }
        let stateDict = FormulaInceptionWeights.stateDict()
        try TorchSave.write(.orderedDict(stateDict.entries.map { ($0.name, .tensor($0.tensor)) }), to: url)
        let fromFile = try FIDInception.load(from: url)
        let direct = try FIDInception(stateDict: stateDict, source: "formula")
        #expect(fromFile.convolutions.count == InceptionLayout.convolutions.count)
        for spec in InceptionLayout.convolutions {
            let (a, b) = (fromFile.convolutions[spec.name]!, direct.convolutions[spec.name]!)
            #expect(a.weight.shape == spec.weightShape && a.weight.scalars == b.weight.scalars && a.bias.scalars == b.bias.scalars, "\(spec.name)")
        }
    }
}
