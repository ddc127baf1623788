import ToonCore

extension Image {
    /// The samples as a [1, C, H, W] tensor, mapped linearly from 0...1 onto `range`
    /// (default -1...1, what StyleGAN networks take).
    public func tensor(range: ClosedRange<Float> = -1...1) -> Tensor {
        let low = range.lowerBound, span = range.upperBound - range.lowerBound
        var tensor = Tensor(uninitializedShape: [1, channels, height, width])
        tensor.withUnsafeMutableBufferPointer { out in
            samples.withUnsafeBufferPointer { source in
                for i in source.indices { out[i] = source[i] * span + low }
            }
        }
        return tensor
    }

    /// An image from a [C, H, W] or [1, C, H, W] tensor whose values span `range`; values outside
    /// it are clamped. Writing the result as 8-bit gives exactly the bytes of `Quantization(range:)`
    /// applied to the tensor: for -1...1, NVLabs generate.py's bytes.
    public init(tensor: Tensor, range: ClosedRange<Float> = -1...1, bitDepth: Int = 8) throws(ToonIOError) {
        let shape = tensor.shape
        let dims = shape.count == 4 && shape[0] == 1 ? Array(shape.dropFirst()) : shape
        guard dims.count == 3, (1...4).contains(dims[0]), dims[1] > 0, dims[2] > 0 else {
            throw ToonIOError(file: "<tensor>", .image(.notAnImageTensor(shape: shape)))
        }
        let exact = Quantization(range: range)
        let unit = Quantization(range: 0...1)
        let low = range.lowerBound, inverseSpan = 1 / (range.upperBound - range.lowerBound)
        var samples = [Float](repeating: 0, count: tensor.count)
        tensor.withUnsafeBufferPointer { source in
            samples.withUnsafeMutableBufferPointer { out in
                let source = source.baseAddress!, out = out.baseAddress!
                Parallel.forEach(dims[0] * dims[1], grain: max(1, 65_536 / dims[2])) { rows in
                    for i in (rows.lowerBound * dims[2])..<(rows.upperBound * dims[2]) {
                        out[i] = Self.sample(source[i], low: low, inverseSpan: inverseSpan, exact: exact, unit: unit)
                    }
                }
            }
        }
        self.init(width: dims[2], height: dims[1], channels: dims[0], samples: samples, bitDepth: bitDepth)
    }

    /// Maps one tensor value into 0...1. The linear map can land an ulp on the other side of a
    /// rounding boundary from where the direct rule puts it; such samples are nudged by ulps until
    /// both rules agree, so the 8-bit bytes match the reference while 16-bit output keeps precision.
    @inline(__always)
    private static func sample(_ x: Float, low: Float, inverseSpan: Float, exact: Quantization,
                               unit: Quantization) -> Float {
        var s = (x - low) * inverseSpan
        if !(s >= 0) { s = 0 }   // also NaN, which the byte rule maps to 0
        if s > 1 { s = 1 }
        let wanted = exact.code(x)
        var steps = 0
        while unit.code(s) != wanted && steps < 64 {
            s = unit.code(s) < wanted ? s.nextUp : s.nextDown
            steps += 1
        }
        return unit.code(s) == wanted ? s : wanted / 255
    }
}
