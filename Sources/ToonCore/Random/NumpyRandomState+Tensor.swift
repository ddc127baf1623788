extension NumpyRandomState {
    /// Standard normals in row-major order, continuing this stream: `randn(*shape).astype(float32)`.
    public mutating func normalTensor(_ shape: [Int]) -> Tensor {
        var tensor = Tensor(uninitializedShape: shape)
        tensor.withUnsafeMutableBufferPointer { out in
            // Each value is drawn in double precision and rounded once, as `astype(float32)` does.
            for i in out.indices { out[i] = Float(standardNormal()) }
        }
        return tensor
    }

    /// Uniform values in `range`, continuing this stream: `uniform(lo, hi, shape).astype(float32)`.
    public mutating func uniformTensor(_ shape: [Int], in range: Range<Double> = 0..<1) -> Tensor {
        var tensor = Tensor(uninitializedShape: shape)
        tensor.withUnsafeMutableBufferPointer { out in
            for i in out.indices { out[i] = Float(uniform(low: range.lowerBound, high: range.upperBound)) }
        }
        return tensor
    }
}

extension Tensor {
    /// `numpy.random.RandomState(seed).randn(*shape).astype(numpy.float32)`, bit for bit.
    public static func randomNormal(shape: [Int], seed: UInt32) -> Tensor {
        var random = NumpyRandomState(seed: seed)
        return random.normalTensor(shape)
    }

    /// `numpy.random.RandomState(seed).uniform(lo, hi, shape).astype(numpy.float32)`, bit for bit.
    public static func randomUniform(shape: [Int], in range: Range<Double> = 0..<1, seed: UInt32) -> Tensor {
        var random = NumpyRandomState(seed: seed)
        return random.uniformTensor(shape, in: range)
    }
}
