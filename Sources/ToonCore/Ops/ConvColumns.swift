import CKernels

/// im2col and col2im over tiles of output pixels, so no column buffer grows with the image: the
/// GEMM sees [patchSize, columns] panels whose width is chosen by `ConvTiling`.
///
/// Columns enumerate (image in batch chunk, output row, output column) for rows `rowRange` of each image.
enum ConvColumns {
    /// Fills `cols` [patchSize, images * rows * outW] from channels `channelStart...` of `images`
    /// consecutive images starting at `x`.
    /// With `scale` ([images, cin], rows of `cin` floats), each gathered value of channel c of an
    /// image is multiplied by that image's scale[c] (StyleGAN's modulation, folded into the copy).
    static func gather(_ x: UnsafePointer<Float>, images: Int, imageStride: Int, channelStart: Int,
                       rows rowRange: Range<Int>, geometry g: ConvGeometry, scale: UnsafePointer<Float>? = nil,
                       into cols: UnsafeMutablePointer<Float>) {
        let columnsPerImage = rowRange.count * g.outW
        let width = images * columnsPerImage
        let level = ComputeConfiguration.current.kernelLevel
        Parallel.forEach(g.patchSize, grain: Swift.max(1, 8192 / Swift.max(width, 1))) { patchRows in
            for r in patchRows {
                let c = r / (g.kh * g.kw), ky = (r / g.kw) % g.kh, kx = r % g.kw
                let (lo, hi) = validColumns(kx: kx, g)
                for image in 0..<images {
                    let plane = x + image * imageStride + (channelStart + c) * g.h * g.w
                    let factor = scale.map { $0[image * g.cin + channelStart + c] }
                    var dst = cols + r * width + image * columnsPerImage
                    for oy in rowRange {
                        let iy = oy * g.strideY - g.padY + ky
                        if iy < 0 || iy >= g.h {
                            dst.update(repeating: 0, count: g.outW)
                        } else {
                            let src = plane + iy * g.w - g.padX + kx
                            if lo > 0 { dst.update(repeating: 0, count: lo) }
                            if hi > lo {
                                let from = src + lo * g.strideX, count = hi - lo
                                if let factor {
                                    toon_gather_row(level, from, g.strideX, factor, dst + lo, count)
                                } else if g.strideX == 1 {
                                    (dst + lo).update(from: from, count: count)
                                } else {
                                    toon_gather_row_unscaled(level, from, g.strideX, dst + lo, count)
                                }
                            }
                            if hi < g.outW { (dst + Swift.max(hi, lo)).update(repeating: 0, count: g.outW - Swift.max(hi, lo)) }
                        }
                        dst += g.outW
                    }
                }
            }
        }
    }

    /// Adds `cols` [patchSize, images * rows * outW] back into the input-shaped gradient `gx`
    /// (the adjoint of `gather`). Parallel over input channels, whose planes are disjoint.
    /// `channels` (default: all of the group) selects which rows of `cols` are added back.
    static func scatterAdd(_ cols: UnsafePointer<Float>, images: Int, imageStride: Int, channelStart: Int,
                           rows rowRange: Range<Int>, geometry g: ConvGeometry, channels: Range<Int>? = nil,
                           into gx: UnsafeMutablePointer<Float>) {
        let columnsPerImage = rowRange.count * g.outW
        let width = images * columnsPerImage
        let taps = g.kh * g.kw
        let selected = channels ?? 0..<g.cinPerGroup
        Parallel.forEach(selected.count, grain: Swift.max(1, 4096 / Swift.max(width * taps, 1))) { chunk in
            for c in (selected.lowerBound + chunk.lowerBound)..<(selected.lowerBound + chunk.upperBound) {
                for tap in 0..<taps {
                    let r = c * taps + tap, ky = tap / g.kw, kx = tap % g.kw
                    let (lo, hi) = validColumns(kx: kx, g)
                    guard hi > lo else { continue }
                    for image in 0..<images {
                        let plane = gx + image * imageStride + (channelStart + c) * g.h * g.w
                        var src = cols + r * width + image * columnsPerImage
                        for oy in rowRange {
                            let iy = oy * g.strideY - g.padY + ky
                            if iy >= 0 && iy < g.h {
                                let dst = plane + iy * g.w - g.padX + kx
                                if g.strideX == 1 {
                                    for ox in lo..<hi { dst[ox] += src[ox] }
                                } else if g.strideX == 2 {
                                    // Eight columns at a time into the even lanes of sixteen. The odd
                                    // lanes are rewritten unchanged, so blocks stay inside this row.
                                    var ox = lo
                                    while ox + 8 < hi {
                                        var pair = SIMD16<Float>.load(dst + 2 * ox)
                                        pair.evenHalf += SIMD8<Float>.load(src + ox)
                                        pair.store(to: dst + 2 * ox)
                                        ox += 8
                                    }
                                    for ox in ox..<hi { dst[2 * ox] += src[ox] }
                                } else {
                                    for ox in lo..<hi { dst[ox * g.strideX] += src[ox] }
                                }
                            }
                            src += g.outW
                        }
                    }
                }
            }
        }
    }

    /// Output columns whose input column (ox * strideX - padX + kx) lies inside the image.
    @inline(__always) static func validColumns(kx: Int, _ g: ConvGeometry) -> (Int, Int) {
        // ox * s - p + kx >= 0  and  ox * s - p + kx <= w - 1
        let shift = g.padX - kx
        let lo = shift <= 0 ? 0 : (shift + g.strideX - 1) / g.strideX
        let last = g.w - 1 + shift
        let hi = last < 0 ? 0 : Swift.min(g.outW, last / g.strideX + 1)
        return (Swift.min(lo, g.outW), hi)
    }
}

/// How a convolution's columns are cut: several small images share one GEMM (small layers are
/// where GEMM-based convolution loses most), large images are cut into bands of output rows.
struct ConvTiling {
    /// Images per GEMM and output rows per band.
    let imagesPerStep: Int
    let rowsPerBand: Int

    /// Column-buffer budget in floats (16 MB): big enough for efficient GEMM panels, small enough
    /// that a 1024x1024 layer never allocates gigabytes.
    static let budget = 4 << 20
    /// GEMMs narrower than this waste most of the BLAS kernel, so small images are batched up to it.
    static let preferredWidth = 1024

    init(_ g: ConvGeometry, budget: Int = ConvTiling.budget, preferredWidth: Int = ConvTiling.preferredWidth) {
        let pixels = g.outH * g.outW
        if pixels >= preferredWidth {
            imagesPerStep = 1
            rowsPerBand = Swift.max(1, Swift.min(g.outH, budget / Swift.max(g.patchSize * g.outW, 1)))
        } else {
            let fit = Swift.max(1, budget / Swift.max(g.patchSize * pixels, 1))
            imagesPerStep = Swift.max(1, Swift.min(g.n, Swift.min(fit, (preferredWidth + pixels - 1) / pixels)))
            rowsPerBand = g.outH
        }
    }
}
