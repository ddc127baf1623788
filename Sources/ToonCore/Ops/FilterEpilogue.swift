import CKernels

// Inference-only: the FIR filter that follows StyleGAN2's upsampling transposed convolution,
// with the conv epilogue applied to each output row as it is produced. A direct separable loop
// (no index tables, vectorisable) over strips of rows that stay in cache, one pass over memory
// instead of three (filter, then demodulation/noise/bias/activation).

extension Tensor {
    /// Inference-only: `upfirdn2d(filter, padding: padding, gain: gain)` (no up- or downsampling)
    /// followed by `applyEpilogue(epilogue)`, computed in one pass.
    package func filtered2d(_ filter: FIRFilter, padding: ResamplePadding, gain: Float, epilogue: ConvEpilogue) -> Tensor {
        precondition(rank == 4, "filtered2d expects an NCHW tensor, got \(shape)")
        guard isContiguous else { return contiguousValues().filtered2d(filter, padding: padding, gain: gain, epilogue: epilogue) }
        precondition(!(GradMode.isEnabled && requiresGrad) && !epilogue.needsHistory,
                     "filtered2d is inference-only; use the differentiable ops to train")
        guard filter.isSeparable else {
            var y = upfirdn2d(filter, padding: padding, gain: gain)
            y.applyEpilogue(epilogue)
            return y
        }
        let taps = filter.correlationWeights(flipFilter: false, gain: gain).taps
        let k = taps.count
        let (n, c, h, wd) = (shape[0], shape[1], shape[2], shape[3])
        let outH = h + padding.y0 + padding.y1 - k + 1, outW = wd + padding.x0 + padding.x1 - k + 1
        precondition(outH > 0 && outW > 0, "filtered2d: \(h)x\(wd) padded by \(padding) is smaller than the \(k)-tap filter")
        let out = Tensor(uninitializedShape: [n, c, outH, outW])
        let kernel = epilogue.kernel(for: out.shape)
        let src = UncheckedSendable(UnsafePointer(denseBase)), dst = UncheckedSendable(out.storage.pointer)
        let strip = Swift.max(1, Swift.min(outH, 32_768 / Swift.max(outW, 1)))
        // Output columns whose taps all land inside the row: x0 <= ox and ox + k - 1 - x0 < wd.
        let interiorStart = Swift.min(Swift.max(padding.x0, 0), outW)
        let interior = interiorStart..<Swift.max(interiorStart, Swift.min(outW, wd - k + 1 + padding.x0))
        taps.withUnsafeBufferPointer { tapBuffer in
            let f = UncheckedSendable(tapBuffer.baseAddress!)
            Parallel.forEach(n * c, grain: 1) { planes in
                let f = f.value, level = ComputeConfiguration.current.kernelLevel
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: (strip + k - 1) * outW)
                defer { scratch.deallocate() }
                for plane in planes {
                    let input = src.value + plane * h * wd, output = dst.value + plane * outH * outW
                    for top in stride(from: 0, to: outH, by: strip) {
                        let bottom = Swift.min(outH, top + strip)
                        // Horizontal pass over the input rows this strip reads (rows outside are zero).
                        let firstRow = top - padding.y0, rowCount = bottom - top + k - 1
                        for r in 0..<rowCount {
                            let iy = firstRow + r, d = scratch + r * outW
                            guard iy >= 0 && iy < h else { d.update(repeating: 0, count: outW); continue }
                            let row = input + iy * wd - padding.x0
                            func edge(_ ox: Int) -> Float {
                                var acc: Float = 0
                                for t in 0..<k where ox + t - padding.x0 >= 0 && ox + t - padding.x0 < wd { acc += f[t] * row[ox + t] }
                                return acc
                            }
                            for ox in 0..<interior.lowerBound { d[ox] = edge(ox) }
                            if !interior.isEmpty {
                                toon_fir_row(level, row + interior.lowerBound, f, Int32(k), d + interior.lowerBound, interior.count)
                            }
                            for ox in interior.upperBound..<outW { d[ox] = edge(ox) }
                        }
                        // Vertical pass, then the epilogue on each finished row.
                        for oy in top..<bottom {
                            toon_fir_column(level, scratch + (oy - top) * outW, outW, f, Int32(k), output + oy * outW, outW)
                            kernel.apply(output, image: plane / c, channel: plane % c, pixels: (oy * outW)..<((oy + 1) * outW),
                                         level: level)
                        }
                    }
                }
            }
        }
        return out
    }
}
