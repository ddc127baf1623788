import ToonCore

// The three pools of pytorch-fid's Inception, inference only (no gradient is ever needed): each
// plane of an NCHW tensor on its own, in parallel over planes.

extension Tensor {
    /// torch `max_pool2d(x, 3, stride, padding)`: padding cells never win (torch pads with -inf).
    func maxPool3x3(stride: Int, padding: Int) -> Tensor {
        pool3x3(stride: stride, padding: padding, average: false)
    }

    /// torch `avg_pool2d(x, 3, stride: 1, padding: 1, count_include_pad: false)`: the mean of the
    /// cells inside the image (TensorFlow's pool, which pytorch-fid's FID blocks reproduce).
    func averagePool3x3ExcludingPadding() -> Tensor {
        pool3x3(stride: 1, padding: 1, average: true)
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

    /// A 3x3 window slid over each plane, reducing the cells that lie inside the image.
    private func pool3x3(stride: Int, padding: Int, average: Bool) -> Tensor {
        precondition(rank == 4, "pool expects NCHW, got \(shape)")
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let outH = (h + 2 * padding - 3) / stride + 1, outW = (w + 2 * padding - 3) / stride + 1
        var out = Tensor(uninitializedShape: [n, c, outH, outW])
        withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                let (source, target) = (PoolPointer(source.baseAddress!), PoolPointer(target.baseAddress!))
                Parallel.forEach(n * c, grain: 1) { planes in
                    for p in planes {
                        let input = source.pointer + p * h * w, output = target.pointer + p * outH * outW
                        for oy in 0..<outH {
                            let rows = Swift.max(oy * stride - padding, 0)..<Swift.min(oy * stride - padding + 3, h)
                            for ox in 0..<outW {
                                let columns = Swift.max(ox * stride - padding, 0)..<Swift.min(ox * stride - padding + 3, w)
                                var result: Float = average ? 0 : -.infinity
                                for y in rows {
                                    for x in columns {
                                        result = average ? result + input[y * w + x] : Swift.max(result, input[y * w + x])
                                    }
                                }
                                output[oy * outW + ox] = average ? result / Float(rows.count * columns.count) : result
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}

/// A pointer handed to `Parallel` workers that write disjoint elements.
private struct PoolPointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
    init(_ pointer: UnsafePointer<Float>) { self.pointer = UnsafeMutablePointer(mutating: pointer) }
}
