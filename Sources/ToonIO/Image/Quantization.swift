/// The rule that turns float samples into integers for writing.
///
/// For a value range lo...hi and n-bit output (M = 2^n - 1):
///
///     q = trunc(clamp(x * s + o, 0, M)),  s = M / (hi - lo),  o = 0.5 - lo * s
///
/// computed in Float32 as one multiply then one add, with NaN giving 0. For -1...1 and 8 bits this
/// is `x * 127.5 + 128`, clamped and truncated toward zero: exactly NVLabs' generate.py
/// (`(img * 127.5 + 128).clamp(0, 255).to(torch.uint8)`). For 0...1 it rounds half up.
public struct Quantization: Sendable {
    /// Multiplier `M / (hi - lo)`.
    public let scale: Float
    /// Offset `0.5 - lo * scale`.
    public let offset: Float
    /// Largest code, 255 or 65535.
    public let maximum: Float

    /// The rule for samples in `range` written with `bits` (8 or 16) bits.
    public init(range: ClosedRange<Float>, bits: Int = 8) {
        precondition(range.upperBound > range.lowerBound, "empty quantisation range \(range)")
        precondition(bits == 8 || bits == 16, "quantisation to \(bits) bits")
        maximum = bits == 8 ? 255 : 65535
        scale = maximum / (range.upperBound - range.lowerBound)
        offset = 0.5 - range.lowerBound * scale
    }

    /// The code for `x`, as a Float holding an integer in 0...maximum.
    @inlinable public func code(_ x: Float) -> Float {
        let shifted = x * scale + offset
        // `!(>= 0)` also catches NaN, which torch leaves undefined; 0 is a visible, stable choice.
        if !(shifted >= 0) { return 0 }
        if shifted >= maximum { return maximum }
        return shifted.rounded(.towardZero)
    }

    /// The 8-bit code for `x` (only for 8-bit rules).
    @inlinable public func byte(_ x: Float) -> UInt8 { UInt8(code(x)) }
}
