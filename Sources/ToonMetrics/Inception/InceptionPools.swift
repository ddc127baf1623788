import ToonCore

// The three pools of pytorch-fid's Inception, inference only (no gradient is ever needed): each
// plane of an NCHW tensor on its own, in parallel over planes.

extension Tensor {
    /// torch `max_pool2d(x, 3, stride, padding)`: padding cells never win (torch pads with -inf).
    func maxPool3x3(stride: Int, padding: Int) -> Tensor {
        pool3x3(MaximumOfWindow.self, stride: stride, padding: padding)
    }

    /// torch `avg_pool2d(x, 3, stride: 1, padding: 1, count_include_pad: false)`: the mean of the
    /// cells inside the image (TensorFlow's pool, which pytorch-fid's FID blocks reproduce).
    func averagePool3x3ExcludingPadding() -> Tensor {
        pool3x3(MeanOfWindow.self, stride: 1, padding: 1)
    }

    /// torch `adaptive_avg_pool2d(x, 1)` flattened: [N, C].
    func globalAveragePool() -> Tensor {
        precondition(rank == 4, "pool expects NCHW, got \(shape)")
        let (n, c, plane) = (shape[0], shape[1], shape[2] * shape[3])
        var out = Tensor(uninitializedShape: [n, c])
        withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                let (source, target) = (PoolPointer(source.baseAddress!), PoolPointer(target.baseAddress!))
                Parallel.forEach(n * c, grain: 64) { planes in
                    for p in planes {
                        var sum: Float = 0
                        for i in 0..<plane { sum += source.pointer[p * plane + i] }
                        target.pointer[p] = sum / Float(plane)
                    }
                }
            }
        }
        return out
    }

    /// A 3x3 window slid over each plane, reducing the cells that lie inside the image. Separable:
    /// each input row is reduced over the window's columns, then those over the window's rows (exact
    /// for max; for the mean, the sum runs in another order than torch's, a rounding-level change).
    private func pool3x3<Reduction: WindowReduction>(_: Reduction.Type, stride: Int, padding: Int) -> Tensor {
        precondition(rank == 4, "pool expects NCHW, got \(shape)")
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let outH = (h + 2 * padding - 3) / stride + 1, outW = (w + 2 * padding - 3) / stride + 1
        // Each output's window, clipped to the image: first cell and cell count, per axis.
        func spans(_ out: Int, _ size: Int) -> [(first: Int, count: Int)] {
            (0..<out).map { o in
                let lo = Swift.max(o * stride - padding, 0), hi = Swift.min(o * stride - padding + 3, size)
                return (lo, hi - lo)
            }
        }
        let rows = spans(outH, h), columns = spans(outW, w)
        var out = Tensor(uninitializedShape: [n, c, outH, outW])
        withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                let (source, target) = (PoolPointer(source.baseAddress!), PoolPointer(target.baseAddress!))
                Parallel.forEach(n * c, grain: 1) { planes in
                    var across = [Float](repeating: 0, count: h * outW)
                    for p in planes {
                        let input = source.pointer + p * h * w, output = target.pointer + p * outH * outW
                        for y in 0..<h {
                            let row = input + y * w
                            for (ox, span) in columns.enumerated() {
                                var r = row[span.first]
                                for k in 1..<span.count { r = Reduction.combine(r, row[span.first + k]) }
                                across[y * outW + ox] = r
                            }
                        }
                        for (oy, span) in rows.enumerated() {
                            let o = output + oy * outW
                            for ox in 0..<outW { o[ox] = across[span.first * outW + ox] }
                            for k in 1..<span.count {
                                let a = (span.first + k) * outW
                                for ox in 0..<outW { o[ox] = Reduction.combine(o[ox], across[a + ox]) }
                            }
                            if Reduction.isMean {
                                for ox in 0..<outW { o[ox] /= Float(span.count * columns[ox].count) }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}

/// How a pool combines the cells of a window; a type parameter, so each pool's loops are compiled
/// for its own operation.
private protocol WindowReduction {
    static func combine(_ a: Float, _ b: Float) -> Float
    /// Whether the combined cells are divided by their count at the end.
    static var isMean: Bool { get }
}

private enum MaximumOfWindow: WindowReduction {
    @inline(__always) static func combine(_ a: Float, _ b: Float) -> Float { Swift.max(a, b) }
    static let isMean = false
}

private enum MeanOfWindow: WindowReduction {
    @inline(__always) static func combine(_ a: Float, _ b: Float) -> Float { a + b }
    static let isMean = true
}

/// A pointer handed to `Parallel` workers that write disjoint elements.
private struct PoolPointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
    init(_ pointer: UnsafePointer<Float>) { self.pointer = UnsafeMutablePointer(mutating: pointer) }
}
