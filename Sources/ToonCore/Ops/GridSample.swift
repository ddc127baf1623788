// Bilinear resampling of each image through its own 2-D affine map: PyTorch's affine_grid followed
// by grid_sample(mode='bilinear', padding_mode='zeros', align_corners=False), which ADA's geometric
// augmentation uses. For a fixed grid the sample is linear in the image, so it is stored as four
// (index, weight) taps per output pixel; the VJP is the transposed map (a scatter-add), whose own
// VJP is the sample again, so gradients of gradients (R1 through augmentation) come for free.

/// Four bilinear taps per output pixel of every image: where each output pixel reads its input
/// plane. Taps that fall outside the input carry weight 0 (zero padding).
public struct BilinearGrid: Sendable, Equatable {
    public let batch: Int
    public let inHeight: Int, inWidth: Int
    public let outHeight: Int, outWidth: Int
    /// [batch, outHeight * outWidth, 4] plane offsets and weights.
    let index: [Int32]
    let weight: [Float]

    /// The grid of `torch.nn.functional.affine_grid(theta, size, align_corners=False)`: `theta` holds
    /// one 2x3 matrix per image, row-major (6 numbers), mapping normalised output coordinates in
    /// [-1, 1] to normalised input coordinates. Computed in Double so the taps round only once.
    public init(affine theta: [[Double]], inHeight: Int, inWidth: Int, outHeight: Int, outWidth: Int) {
        precondition(theta.allSatisfy { $0.count == 6 }, "each affine matrix needs 6 numbers (2x3, row-major)")
        precondition(inHeight >= 1 && inWidth >= 1 && outHeight >= 1 && outWidth >= 1, "grid sizes must be positive")
        let batch = theta.count
        self.batch = batch
        self.inHeight = inHeight
        self.inWidth = inWidth
        self.outHeight = outHeight
        self.outWidth = outWidth
        let pixels = outHeight * outWidth
        var index = [Int32](repeating: 0, count: batch * pixels * 4)
        var weight = [Float](repeating: 0, count: batch * pixels * 4)
        index.withUnsafeMutableBufferPointer { index in
            weight.withUnsafeMutableBufferPointer { weight in
                Parallel.forEach(batch, grain: 1) { images in
                    for n in images {
                        Self.fillTaps(theta[n], image: n, index: index, weight: weight,
                                      inSize: (inHeight, inWidth), outSize: (outHeight, outWidth))
                    }
                }
            }
        }
        self.index = index
        self.weight = weight
    }

    /// One image's taps, written into its own part of the buffers.
    private static func fillTaps(_ t: [Double], image n: Int, index: UnsafeMutableBufferPointer<Int32>,
                                 weight: UnsafeMutableBufferPointer<Float>, inSize: (Int, Int), outSize: (Int, Int)) {
        let (inHeight, inWidth) = inSize, (outHeight, outWidth) = outSize
        for oy in 0..<outHeight {
            let y = Double(2 * oy + 1) / Double(outHeight) - 1
            for ox in 0..<outWidth {
                let x = Double(2 * ox + 1) / Double(outWidth) - 1
                // Normalised input coordinates, then grid_sample's unnormalisation (align_corners=False).
                let gx = t[0] * x + t[1] * y + t[2], gy = t[3] * x + t[4] * y + t[5]
                let ix = ((gx + 1) * Double(inWidth) - 1) / 2, iy = ((gy + 1) * Double(inHeight) - 1) / 2
                let x0 = ix.rounded(.down), y0 = iy.rounded(.down)
                let fx = ix - x0, fy = iy - y0
                let base = ((n * outHeight + oy) * outWidth + ox) * 4
                for k in 0..<4 {
                    let cy = y0 + Double(k / 2), cx = x0 + Double(k % 2)
                    guard cy >= 0 && cy < Double(inHeight) && cx >= 0 && cx < Double(inWidth) else { continue }
                    index[base + k] = Int32(Int(cy) * inWidth + Int(cx))
                    weight[base + k] = Float((k / 2 == 0 ? 1 - fy : fy) * (k % 2 == 0 ? 1 - fx : fx))
                }
            }
        }
    }
}

extension Tensor {
    /// Samples each image of an NCHW tensor through its grid: [N, C, inHeight, inWidth] ->
    /// [N, C, outHeight, outWidth]. Differentiable to any order with respect to the image.
    public func gridSampled(_ grid: BilinearGrid) -> Tensor {
        precondition(rank == 4 && shape[0] == grid.batch && shape[2] == grid.inHeight && shape[3] == grid.inWidth,
                     "gridSampled: \(shape) does not match a grid of \(grid.batch) images of \(grid.inHeight)x\(grid.inWidth)")
        var out = gridSampledValues(grid)
        if Tensor.shouldRecord(self) {
            out.recordHistory("gridSample", inputs: [self]) { g in [g.gridSampleTransposed(grid)] }
        }
        return out
    }

    /// The adjoint of `gridSampled`: each output-pixel value added back onto the input pixels it read.
    func gridSampleTransposed(_ grid: BilinearGrid) -> Tensor {
        precondition(rank == 4 && shape[0] == grid.batch && shape[2] == grid.outHeight && shape[3] == grid.outWidth,
                     "gridSampleTransposed: \(shape) does not match the grid's output")
        var out = gridScatteredValues(grid)
        if Tensor.shouldRecord(self) {
            out.recordHistory("gridSampleTransposed", inputs: [self]) { g in [g.gridSampled(grid)] }
        }
        return out
    }

    private func gridSampledValues(_ grid: BilinearGrid) -> Tensor {
        guard isContiguous else { return contiguousValues().gridSampledValues(grid) }
        let channels = shape[1]
        let inPlane = grid.inHeight * grid.inWidth, outPlane = grid.outHeight * grid.outWidth
        let out = Tensor(uninitializedShape: [grid.batch, channels, grid.outHeight, grid.outWidth])
        let src = denseBase, dst = out.storage.pointer
        Self.forEachGridPlane(grid, channels: channels) { plane, taps, index, weight in
            let s = src + plane * inPlane, d = dst + plane * outPlane
            for p in 0..<outPlane {
                let t = taps + p * 4
                d[p] = weight[t] * s[Int(index[t])] + weight[t + 1] * s[Int(index[t + 1])]
                    + weight[t + 2] * s[Int(index[t + 2])] + weight[t + 3] * s[Int(index[t + 3])]
            }
        }
        return out
    }

    private func gridScatteredValues(_ grid: BilinearGrid) -> Tensor {
        guard isContiguous else { return contiguousValues().gridScatteredValues(grid) }
        let channels = shape[1]
        let inPlane = grid.inHeight * grid.inWidth, outPlane = grid.outHeight * grid.outWidth
        let out = Tensor(repeating: 0, shape: [grid.batch, channels, grid.inHeight, grid.inWidth])
        let src = denseBase, dst = out.storage.pointer
        // Planes are independent, so each worker scatters into its own planes only.
        Self.forEachGridPlane(grid, channels: channels) { plane, taps, index, weight in
            let s = src + plane * outPlane, d = dst + plane * inPlane
            for p in 0..<outPlane {
                let v = s[p], t = taps + p * 4
                for k in 0..<4 { d[Int(index[t + k])] += weight[t + k] * v }
            }
        }
        return out
    }

    /// `body(plane, firstTap, index, weight)` for every (image, channel) plane, split across workers:
    /// the planes of one image share its taps.
    private static func forEachGridPlane(_ grid: BilinearGrid, channels: Int,
                                         _ body: (Int, Int, UnsafeBufferPointer<Int32>, UnsafeBufferPointer<Float>) -> Void) {
        let outPlane = grid.outHeight * grid.outWidth
        grid.index.withUnsafeBufferPointer { index in
            grid.weight.withUnsafeBufferPointer { weight in
                Parallel.forEach(grid.batch * channels, grain: Swift.max(1, 32_768 / Swift.max(outPlane * 4, 1))) { planes in
                    for plane in planes { body(plane, plane / channels * outPlane * 4, index, weight) }
                }
            }
        }
    }
}
