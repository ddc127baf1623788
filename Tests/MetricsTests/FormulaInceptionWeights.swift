import ToonCore
import ToonIO
@testable import Metrics

/// The Swift twin of make_fid_reference.py's `formula_value`: every Inception parameter and
/// BatchNorm buffer from its state-dict name and element index alone, bit for bit (24-bit uniforms
/// are exact in both languages, and each value is one float64 product rounded once to float32).
enum FormulaInceptionWeights {
    static func fnv1a(_ text: String) -> UInt32 {
        var h: UInt32 = 0x811C_9DC5
        for byte in text.utf8 { h = (h ^ UInt32(byte)) &* 0x0100_0193 }
        return h
    }

    /// [-1, 1) in steps of 2^-23 from a 32-bit integer hash of (name, index).
    static func uniform(_ nameHash: UInt32, _ index: Int) -> Double {
        var x = UInt32(truncatingIfNeeded: UInt64(index) &* 0x9E37_79B9) ^ nameHash
        x ^= x >> 16
        x = x &* 0x7FEB_352D
        x ^= x >> 15
        x = x &* 0x846C_A68B
        x ^= x >> 16
        return Double(x >> 8) / 8_388_608 - 1
    }

    static func tensor(_ name: String, _ shape: [Int]) -> Tensor {
        let count = shape.reduce(1, *), h = fnv1a(name)
        let value: (Double) -> Double
        if name.hasSuffix("running_var") { value = { 1 + 0.5 * $0 } }
        else if name.hasSuffix("running_mean") || name.hasSuffix("bn.bias") { value = { 0.1 * $0 } }
        else if name.hasSuffix("bn.weight") { value = { 1 + 0.25 * $0 } }
        else {
            let scale = (6.0 / Double(count / shape[0])).squareRoot()
            value = { $0 * scale }
        }
        return Tensor(shape: shape, scalars: (0..<count).map { Float(value(uniform(h, $0))) })
    }

    /// pytorch-fid's state dict without fc and num_batches_tracked, which ToonKit does not use.
    static func stateDict() -> TensorSet {
        var set = TensorSet()
        for spec in InceptionLayout.convolutions {
            try! set.insert(tensor("\(spec.name).conv.weight", spec.weightShape), named: "\(spec.name).conv.weight", source: "formula")
            for part in ["bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"] {
                try! set.insert(tensor("\(spec.name).\(part)", [spec.output]), named: "\(spec.name).\(part)", source: "formula")
            }
        }
        return set
    }
}
