import Testing
import ToonCore
import ToonNN
import ToonTestSupport
@testable import Stylizer

@Suite("StudentNetwork: shapes, layers, gradients", .computeFromEnvironment)
struct StudentNetworkTests {
    @Test("the output is RGB at the input's size; the layer plan follows the config")
    func shapesAndPlan() {
        let config = StudentConfig(width: 4, bridgeBlocks: 2, levels: 3)
        let student = StudentNetwork(config)
        let p = student.spec.initialize(seed: 1)
        let y = student(TestRandom(seed: 2).tensorCopy([2, 3, 16, 24]), p)
        #expect(y.shape == [2, 3, 16, 24])
        let names = student.spec.entries.map(\.name)
        #expect(names.filter { $0.hasSuffix(".weight") } == ["enc0.weight", "enc1.weight", "enc2.weight", "enc3.weight",
            "bridge0.conv0.weight", "bridge0.conv1.weight", "bridge1.conv0.weight", "bridge1.conv1.weight",
            "dec2.weight", "dec1.weight", "dec0.weight", "torgb.weight"])
        let shapes = Dictionary(uniqueKeysWithValues: student.spec.entries.map { ($0.name, $0.shape) })
        #expect(shapes["enc3.weight"] == [32, 16, 3, 3])
        #expect(shapes["dec2.weight"] == [16, 32 + 16, 3, 3])
        #expect(shapes["dec0.weight"] == [4, 8 + 4, 3, 3])
    }

    @Test("with a degree input the degree changes the output; without, the config refuses one")
    func degreeInput() {
        let student = StudentNetwork(StudentConfig(width: 4, bridgeBlocks: 1, levels: 2, degreeInput: true))
        var p = student.spec.initialize(seed: 3)
        // The zero-initialised biases would leave the degree plane's effect unseen in the first layer only.
        p.update("enc0.bias", to: Tensor(shape: [4], scalars: [0.1, -0.2, 0.3, 0.05]))
        let x = TestRandom(seed: 4).tensorCopy([1, 3, 8, 8])
        let a = student(x, degree: Tensor(shape: [1], scalars: [0]), p), b = student(x, degree: Tensor(shape: [1], scalars: [1]), p)
        #expect(a.shape == [1, 3, 8, 8] && a.scalars != b.scalars)
        #expect(StudentConfig(width: 0).problem != nil && StudentConfig(width: 64, levels: 7).problem != nil)
    }

    @Test("gradients match finite differences, for the input and for parameters")
    func gradients() {
        let student = StudentNetwork(StudentConfig(width: 2, bridgeBlocks: 1, levels: 2))
        var p = student.spec.initialize(seed: 5)
        for name in p.names where name.hasSuffix(".bias") {
            p.update(name, to: TestRandom(seed: UInt64(name.count)).tensorCopy(p[name].shape, 0.05...0.2))
        }
        let x = TestRandom(seed: 6).tensorCopy([1, 3, 8, 8])
        checkGradients(of: { student($0[0], p) }, at: [x], samples: 12)
        for name in ["enc1.weight", "bridge0.conv1.weight", "dec0.weight", "torgb.bias"] {
            checkGradients(of: { t in
                var q = p
                q.update(name, to: t[0])
                return student(x, q)
            }, at: [p[name]], samples: 8)
        }
    }
}

extension TestRandom {
    /// A tensor from a fresh copy of this stream (so a `let` generator can be used inline).
    func tensorCopy(_ shape: [Int], _ range: ClosedRange<Float> = -1...1) -> Tensor {
        var copy = self
        return copy.tensor(shape, range)
    }
}
