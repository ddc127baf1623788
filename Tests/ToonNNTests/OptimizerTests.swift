import Foundation
import Testing
import ToonCore
@testable import ToonNN
import ToonTestSupport

@Suite("Optimizers follow PyTorch's trajectories", .computeFromEnvironment)
struct OptimizerTests {
    nonisolated(unsafe) static let reference: [String: Any] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Reference/optimizer_reference.json")
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }()

    static func floats(_ any: Any?) -> [Float] { (any as! [NSNumber]).map(\.floatValue) }

    // Five steps of float32 arithmetic in a different order than PyTorch's fused kernels: 1e-6 abs.
    @Test("five steps match PyTorch within 1e-6", arguments: ["adam_stylegan2", "adam_default", "sgd_momentum", "sgd_plain"])
    func matchesPyTorch(name: String) {
        let ref = Self.reference
        let c = Tensor(shape: [6], scalars: Self.floats(ref["c"])), d = Tensor(shape: [6], scalars: Self.floats(ref["d"]))
        let expected = ((ref["cases"] as! [[String: Any]]).first { $0["name"] as! String == name }!["values"] as! [Any])
            .map { Self.floats($0) }
        var store = ParameterStore([("p", Tensor(shape: [6], scalars: Self.floats(ref["start"])))])
        var optimizer: any Optimizer = switch name {
        case "adam_stylegan2": Adam.styleGAN2()
        case "adam_default": Adam(learningRate: 0.1)
        case "sgd_momentum": SGD(learningRate: 0.05, momentum: 0.9)
        default: SGD(learningRate: 0.05)
        }
        for step in 0..<5 {
            let leaves = store.requiringGrad()
            let p = leaves["p"]
            let loss = (c * p * p + d * p).sum()
            optimizer.step(&store, gradients: store.gradients(of: loss, leaves: leaves))
            let got = store["p"].scalars
            for (a, b) in zip(got, expected[step]) {
                #expect(Swift.abs(a - b) <= 1e-6, "step \(step + 1): \(a) vs PyTorch \(b)")
            }
        }
    }

    @Test("Adam leaves parameters without a gradient untouched and restores its state")
    func adamStateAndSkips() {
        var store = ParameterStore([("a", Tensor.ones([2])), ("b", Tensor.ones([2]))])
        var adam = Adam(learningRate: 0.1)
        adam.step(&store, gradients: ["a": Tensor(shape: [2], scalars: [1, -1])])
        #expect(store["b"].scalars == [1, 1])
        #expect(store["a"].scalars.map { ($0 * 1000).rounded() / 1000 } == [0.9, 1.1])
        var resumed = Adam(learningRate: 0.1)
        resumed.restore(stepCount: adam.stepCount, firstMoments: adam.firstMoments, secondMoments: adam.secondMoments)
        var copy = store
        adam.step(&store, gradients: ["a": Tensor(shape: [2], scalars: [0.5, 0.5])])
        resumed.step(&copy, gradients: ["a": Tensor(shape: [2], scalars: [0.5, 0.5])])
        #expect(store["a"].scalars == copy["a"].scalars)
    }
}
