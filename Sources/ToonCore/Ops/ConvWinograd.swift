import CKernels

/// 3x3 stride-1 convolutions, "same" (padding 1) or "valid" (padding 0, as waifu2x's networks
/// convolve), by Winograd's minimal filtering F(2x2, 3x3) (Lavin & Gray, 2015).
///
/// Each 2x2 block of output pixels ("tile") comes from a 4x4 input patch d and the 3x3 filter g as
/// Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A. Summed over input channels, the elementwise products become 16
/// independent GEMMs, M_k[cout, tiles] = U_k[cout, cin] V_k[cin, tiles], doing 16 multiply-adds per
/// tile and channel pair where the im2col GEMM does 36: 2.25x less arithmetic. The transforms hold
/// only 0, ±1 and ±1/2, so the result stays within a few float roundings of the direct sum.
///
/// Tiles are processed in tasks (`WinogradPlan`): a band of tile rows of one image, or several
/// whole small images side by side, so their GEMMs share one pass over U.
enum ConvWinograd {
    /// Fewest output pixels per image and per call, and channels, for which the transforms pay off:
    /// below them the im2col GEMM's single pass over the weights is cheaper than one over the 16
    /// transformed copies (measured: 8x8 wins from batch 4, 16x16 from batch 1).
    static let minimumPixels = 8 * 8
    static let minimumBatchPixels = 16 * 16
    static let minimumChannels = 16

    /// Whether `forward` can compute this convolution (and is expected to be faster than im2col).
    static func applies(_ g: ConvGeometry) -> Bool {
        g.kh == 3 && g.kw == 3 && g.strideY == 1 && g.strideX == 1 && (0...1).contains(g.padY) && g.padX == g.padY
            && g.groups == 1 && g.outH % 2 == 0 && g.outW % 2 == 0 && g.outH * g.outW >= minimumPixels
            && g.n * g.outH * g.outW >= minimumBatchPixels && g.cin >= minimumChannels && g.cout >= minimumChannels
    }

    /// The units of work for `g` (see `WinogradPlan`): 16 floats per tile and channel.
    static func tasks(_ g: ConvGeometry, budget: Int = WinogradPlan.budget) -> [WinogradPlan.Task] {
        WinogradPlan.tasks(images: g.n, tilesY: g.outH / 2, tilesX: g.outW / 2,
                           floatsPerTile: 16 * Swift.max(g.cin, g.cout), budget: budget)
    }

    static func bands(_ g: ConvGeometry, budget: Int = WinogradPlan.budget) -> [Range<Int>] {
        WinogradPlan.bands(images: g.n, tilesY: g.outH / 2, tilesX: g.outW / 2,
                           floatsPerTile: 16 * Swift.max(g.cin, g.cout), budget: budget)
    }

    /// U[k][o][i] = (G g Gᵀ)[k] for the filter g = w[o, i]: the 16 transformed weights per channel pair.
    /// G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1].
    static func transformWeights(_ w: UnsafePointer<Float>, cout: Int, cin: Int, into u: UnsafeMutablePointer<Float>) {
        let plane = cout * cin
        let (w, u) = (UncheckedSendable(w), UncheckedSendable(u))
        Parallel.forEach(plane, grain: 4096) { pairs in
            for pair in pairs {
                let g = w.value + pair * 9
                for row in 0..<4 {
                    // Row `row` of G g, three values.
                    let (a, b, c): (Float, Float, Float)
                    switch row {
                    case 0: (a, b, c) = (g[0], g[1], g[2])
                    case 1: (a, b, c) = (0.5 * (g[0] + g[3] + g[6]), 0.5 * (g[1] + g[4] + g[7]), 0.5 * (g[2] + g[5] + g[8]))
                    case 2: (a, b, c) = (0.5 * (g[0] - g[3] + g[6]), 0.5 * (g[1] - g[4] + g[7]), 0.5 * (g[2] - g[5] + g[8]))
                    default: (a, b, c) = (g[6], g[7], g[8])
                    }
                    let out = u.value + row * 4 * plane + pair
                    out[0] = a
                    out[plane] = 0.5 * (a + b + c)
                    out[2 * plane] = 0.5 * (a - b + c)
                    out[3 * plane] = c
                }
            }
        }
    }

    /// `body` with the transformed weights of `weight` when `g` takes this path (nil otherwise),
    /// derived once per weight (see `WinogradPlan.withTransformedWeights`).
    static func withTransformedWeights<R>(_ weight: Tensor, _ g: ConvGeometry, _ body: (UnsafePointer<Float>?) -> R) -> R {
        guard applies(g) else { return body(nil) }
        return WinogradPlan.withTransformedWeights(weight, name: "Winograd F(2x2, 3x3) weights", floats: 16 * g.cout * g.cin,
                                                   transform: { w, _, u in transformWeights(w, cout: g.cout, cin: g.cin, into: u) }, body)
    }

    /// y = conv(x, w) for `applies(g)` geometries, with `u` from `transformWeights`. `inputScale`
    /// ([n, cin]) scales input channels per image, `epilogue` rewrites each band in cache;
    /// `budget` bounds the floats of V and M per band.
    static func forward(x: UnsafePointer<Float>, u: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, _ g: ConvGeometry,
                        inputScale: UnsafePointer<Float>? = nil, epilogue: EpilogueKernel? = nil,
                        budget: Int = WinogradPlan.budget) {
        let inImage = g.cin * g.h * g.w, plane = g.h * g.w
        forward(planes: { image, channel in x + image * inImage + channel * plane }, u: u, y: y, g, inputScale: inputScale,
                epilogue: epilogue, budget: budget)
    }

    /// As `forward(x:...)`, with input channel c of image i at `planes(i, c)`: the channels of several
    /// tensors read where they lie, as if joined (`Tensor.conv2d(joined:...)`).
    static func forward(planes: (Int, Int) -> UnsafePointer<Float>, u: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                        _ g: ConvGeometry, inputScale: UnsafePointer<Float>? = nil, epilogue: EpilogueKernel? = nil,
                        budget: Int = WinogradPlan.budget) {
        let tasks = Self.tasks(g, budget: budget)
        let tilesX = g.outW / 2
        let maxTiles = tasks.map { $0.images.count * $0.band.count * tilesX }.max() ?? 0
        let u = UncheckedSendable(u), y = UncheckedSendable(y)
        let scale = UncheckedSendable(inputScale)
        let outImage = g.cout * g.outH * g.outW

        WinogradPlan.run(tasks, vFloats: 16 * g.cin * maxTiles, mFloats: 16 * g.cout * maxTiles, independent: true) { task, _, vk, mk in
            let bandTiles = task.band.count * tilesX, tiles = task.images.count * bandTiles
            for image in task.images {
                let columns = (image - task.images.lowerBound) * bandTiles..<(image - task.images.lowerBound + 1) * bandTiles
                transformInput(planes: { planes(image, $0) }, scale: scale.value.map { $0 + image * g.cin }, g,
                               band: task.band, into: vk, columns: columns, width: tiles)
            }
            for k in 0..<16 {
                BLAS.sgemm(transA: false, transB: false, m: g.cout, n: tiles, k: g.cin,
                           a: u.value + k * g.cout * g.cin, lda: g.cin, b: vk + k * g.cin * tiles, ldb: tiles,
                           c: mk + k * g.cout * tiles, ldc: tiles)
            }
            for image in task.images {
                let columns = (image - task.images.lowerBound) * bandTiles..<(image - task.images.lowerBound + 1) * bandTiles
                transformOutput(mk, g, band: task.band, columns: columns, width: tiles, into: y.value + image * outImage)
            }
            epilogue?.apply(y.value, images: task.images, channels: 0..<g.cout,
                            pixels: (2 * task.band.lowerBound * g.outW)..<(2 * task.band.upperBound * g.outW),
                            planePixels: g.outH * g.outW)
        }
    }

    /// V[k][c][t] = (Bᵀ d B)[k] for channel c's 4x4 patch d of each tile t in `band` (tile rows) of
    /// one image, whose tiles fill `columns` of V's rows of `width`.
    /// Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]. Rows combine first, as whole padded rows split
    /// into their even and odd columns, so every step is a contiguous vector loop over tiles. A
    /// tile's patch starts `g.padY` rows and columns before its output pixels.
    static func transformInput(_ x: UnsafePointer<Float>, scale: UnsafePointer<Float>?, _ g: ConvGeometry,
                               band: Range<Int>, into v: UnsafeMutablePointer<Float>, columns: Range<Int>, width: Int) {
        let plane = g.h * g.w
        transformInput(planes: { x + $0 * plane }, scale: scale, g, band: band, into: v, columns: columns, width: width)
    }

    /// As `transformInput(_:...)`, with channel c's plane at `planes(c)`.
    static func transformInput(planes: (Int) -> UnsafePointer<Float>, scale: UnsafePointer<Float>?, _ g: ConvGeometry,
                               band: Range<Int>, into v: UnsafeMutablePointer<Float>, columns: Range<Int>, width: Int) {
        let tilesX = g.outW / 2, tiles = columns.count, stride = g.cin * width
        let v = UncheckedSendable(v), scale = UncheckedSendable(scale)
        Parallel.forEach(g.cin, grain: Swift.max(1, 16_384 / Swift.max(tiles, 1))) { channels in
            let level = ComputeConfiguration.current.kernelLevel
            // Rows 2ty - pad...2ty + 3 - pad, each split by column (WinogradPlan.splitRow).
            let padded = tilesX + 1, pad = g.padY
            let rows = UnsafeMutablePointer<Float>.allocate(capacity: 8 * padded)
            let combined = UnsafeMutablePointer<Float>.allocate(capacity: 8 * padded)
            defer { rows.deallocate(); combined.deallocate() }
            for c in channels {
                let plane = planes(c)
                let factor = scale.value.map { $0[c] } ?? 1
                for ty in band {
                    for j in 0..<4 {
                        if pad == 1 {
                            WinogradPlan.splitRow(plane, row: 2 * ty - 1 + j, height: g.h, width: g.w, factor: factor,
                                                  into: rows + 2 * j * padded, padded: padded, level: level)
                        } else {
                            WinogradPlan.splitValidRow(plane, row: 2 * ty + j, width: g.w, factor: factor,
                                                       into: rows + 2 * j * padded, padded: padded, level: level)
                        }
                    }
                    // Bᵀ d over rows (both column halves at once: they are adjacent).
                    toon_winograd_rows(level, rows, rows + 2 * padded, rows + 4 * padded, rows + 6 * padded,
                                       combined, combined + 2 * padded, combined + 4 * padded, combined + 6 * padded,
                                       2 * padded)
                    // (Bᵀ d) B over each combined row.
                    let offset = c * width + columns.lowerBound + (ty - band.lowerBound) * tilesX
                    for i in 0..<4 {
                        let even = combined + 2 * i * padded, odd = even + padded
                        let out = v.value + 4 * i * stride + offset
                        toon_winograd_columns(level, even, odd, out, out + stride, out + 2 * stride, out + 3 * stride, tilesX)
                    }
                }
            }
        }
    }

    /// One image's 2x2 tiles of `band` from `columns` of M[k][o][t] (rows of `width`):
    /// Y = Aᵀ m A with Aᵀ = [1 1 1 0; 0 1 -1 -1].
    static func transformOutput(_ m: UnsafePointer<Float>, _ g: ConvGeometry, band: Range<Int>, columns: Range<Int>,
                                width: Int, into y: UnsafeMutablePointer<Float>) {
        let tilesX = g.outW / 2, tiles = columns.count, stride = g.cout * width
        let m = UncheckedSendable(m), y = UncheckedSendable(y)
        Parallel.forEach(g.cout, grain: Swift.max(1, 16_384 / Swift.max(tiles, 1))) { channels in
            let level = ComputeConfiguration.current.kernelLevel
            for o in channels {
                let plane = y.value + o * g.outH * g.outW
                for ty in band {
                    let base = m.value + o * width + columns.lowerBound + (ty - band.lowerBound) * tilesX
                    let top = plane + 2 * ty * g.outW, bottom = top + g.outW
                    toon_winograd_output(level, base, stride, top, bottom, tilesX)
                }
            }
        }
    }
}
