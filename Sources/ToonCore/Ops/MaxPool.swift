// Max pooling with non-overlapping square windows (torch `max_pool2d(x, k)`, stride k, no padding,
// floor mode), the pool of VGG. The forward keeps, per output, the flat input index that won; the
// VJP scatters the gradient there and the scatter's VJP gathers from there, so the pool
// differentiates any number of times. Ties go to the first cell in row-major window order, as in
// torch's CPU kernel.

extension Tensor {
    /// torch `max_pool2d(x, kernel)` on NCHW with stride `kernel`: rows and columns past the last
    /// whole window are dropped.
    public func maxPool2d(kernel: Int) -> Tensor {
        precondition(rank == 4 && kernel >= 1, "maxPool2d expects an NCHW tensor and a positive kernel, got \(shape), \(kernel)")
        guard isContiguous else { return contiguous().maxPool2d(kernel: kernel) }
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let (outH, outW) = (h / kernel, w / kernel)
        precondition(outH >= 1 && outW >= 1, "maxPool2d: kernel \(kernel) is larger than the \(h)x\(w) input")
        var out = Tensor(uninitializedShape: [n, c, outH, outW])
        var winners = [Int32](repeating: 0, count: out.count)
        precondition(count <= Int(Int32.max), "maxPool2d: \(shape) is too large for 32-bit indices")
        let source = UncheckedSendable(denseBase), target = UncheckedSendable(out.storage.pointer)
        winners.withUnsafeMutableBufferPointer { winnerBuffer in
            let indices = UncheckedSendable(winnerBuffer.baseAddress!)
            Parallel.forEach(n * c, grain: Swift.max(1, 16_384 / Swift.max(h * w, 1))) { planes in
                for plane in planes {
                    for oy in 0..<outH {
                        for ox in 0..<outW {
                            var best = -Float.infinity, bestIndex = plane * h * w + oy * kernel * w + ox * kernel
                            for ky in 0..<kernel {
                                let row = plane * h * w + (oy * kernel + ky) * w + ox * kernel
                                for kx in 0..<kernel where source.value[row + kx] > best || source.value[row + kx].isNaN {
                                    best = source.value[row + kx]
                                    bestIndex = row + kx
                                }
                            }
                            let o = (plane * outH + oy) * outW + ox
                            target.value[o] = best
                            indices.value[o] = Int32(bestIndex)
                        }
                    }
                }
            }
        }
        if Tensor.shouldRecord(self) {
            let inputShape = shape, picks = winners
            out.recordHistory("maxPool2d", inputs: [self]) { g in [g.scattered(to: inputShape, at: picks)] }
        }
        return out
    }

    /// A zero tensor of `shape` with this tensor's elements added at the flat indices `at` (one per
    /// element). The adjoint of `gathered(at:)`.
    func scattered(to shape: [Int], at indices: [Int32]) -> Tensor {
        let values = contiguous()
        var out = Tensor.zeros(shape)
        values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                for (k, i) in indices.enumerated() { o[Int(i)] += v[k] }
            }
        }
        if Tensor.shouldRecord(values) {
            let valueShape = values.shape
            out.recordHistory("scatter", inputs: [values]) { g in [g.gathered(at: indices, shape: valueShape)] }
        }
        return out
    }

    /// The elements at flat indices `at`, as a tensor of `shape`. The adjoint of `scattered`.
    func gathered(at indices: [Int32], shape: [Int]) -> Tensor {
        let values = contiguous()
        var out = Tensor(uninitializedShape: shape)
        values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                for (k, i) in indices.enumerated() { o[k] = v[Int(i)] }
            }
        }
        if Tensor.shouldRecord(values) {
            let sourceShape = values.shape
            out.recordHistory("gather", inputs: [values]) { g in [g.scattered(to: sourceShape, at: indices)] }
        }
        return out
    }
}
