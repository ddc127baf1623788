import ToonCore

/// Network weights from a formula of each state-dict name and element index alone: the Swift twin of
/// `formula_value` in Tests/ToonMetricsTests/Reference/make_fid_reference.py, bit for bit (24-bit
/// uniforms are exact in both languages, and each value is one float64 product rounded once to
/// float32). Stands in for weight files that cannot be committed (pytorch-fid's Inception).
public enum FormulaWeights {
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

    /// Convolution weights He-uniform (variance 2 / fan_in); BatchNorm gamma near 1, biases and
    /// running mean small, running variance in [0.5, 1.5); LPIPS channel weights (`lin*`, from
    /// make_lpips_reference.py) non-negative.
    public static func tensor(_ name: String, _ shape: [Int]) -> Tensor {
        let count = shape.reduce(1, *), h = fnv1a(name)
        let value: (Double) -> Double
        if name.hasPrefix("lin") { value = { (1 + $0) / 4 } }
        else if name.hasSuffix("running_var") { value = { 1 + 0.5 * $0 } }
        else if name.hasSuffix("running_mean") || name.hasSuffix(".bias") { value = { 0.1 * $0 } }
        else if name.hasSuffix("bn.weight") { value = { 1 + 0.25 * $0 } }
        else {
            let scale = (6.0 / Double(count / shape[0])).squareRoot()
            value = { $0 * scale }
        }
        return Tensor(shape: shape, scalars: (0..<count).map { Float(value(uniform(h, $0))) })
    }

    /// Values uniform in [-1, 1) under `name` (formula images of the reference scripts).
    public static func uniformTensor(_ name: String, _ shape: [Int]) -> Tensor {
        let h = fnv1a(name)
        return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { Float(uniform(h, $0)) })
    }
}
