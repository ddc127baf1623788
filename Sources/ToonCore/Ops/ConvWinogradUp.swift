import CKernels

/// The stride-2 3x3 transposed convolution (padding 0, output 2H+1 x 2W+1: StyleGAN2's upsampling
/// convolution before its FIR filter) by Winograd F(2, 2) on its four phases.
///
/// Output pixel z[2a+py, 2b+px] sees only the taps ky = py (mod 2), kx = px (mod 2): phase (0,0) is a
/// 2x2 convolution of the input, (0,1) and (1,0) are 2x1 and 1x2, (1,1) is 1x1. With F(2, 2) along
/// every two-tap direction, a 2x2 block of each phase takes 9 + 6 + 6 + 4 = 25 multiply-adds per
/// channel pair where the direct sum (and the im2col GEMM with its col2im) takes 36, and the 25 fall
/// into 16 GEMMs M_c = U_c V_c, because the one-tap directions share their transformed weight:
///   c 0...8   phase (0,0), U = G k Gᵀ, one column block
///   c 9...11  phase (0,1), U = G k along y, two column blocks (output columns j = 0, 1)
///   c 12...14 phase (1,0), U = G k along x, two column blocks (output rows i = 0, 1)
///   c 15      phase (1,1), U = w11, four column blocks (i, j)
/// F(2, 2): Bᵀ d = (d0 - d1, d1, d2 - d1), G k = (k0, k0 + k1, k1), Aᵀ m = (m0 + m1, m1 + m2), exact
/// in float arithmetic up to the usual rounding. A tile (ta, tb) reads input rows and columns
/// 2t - 1...2t + 1 and writes output rows and columns 4t...4t + 3.
enum ConvWinogradUp {
    /// Column blocks (multiples of the task's tile count) of each of the 16 products, and where
    /// each product's block starts, in units of channels x tiles.
    static let blocks = [1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 4]
    static let blockStarts = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 15, 17, 19, 21]
    /// Floats of V (or M) per tile and channel.
    static let floatsPerTile = 25
    /// Fewest input pixels per call, and channels, for which the transforms pay off. Every
    /// generator's first up layer (4x4 input) qualifies at batch 1: there the other path would also
    /// have to copy the layer's transposed weight view (9.4 MB at 512 channels) on every call, and
    /// it took 2.5x this one's time (`toon-bench convup`, docs/performance.md).
    static let minimumPixels = 4 * 4
    static let minimumChannels = 16

    /// Whether `forward` computes the transposed convolution that is the input gradient of the
    /// convolution `g` (input 2H+1 x 2W+1, 3x3, stride 2, padding 0: its output H x W is the input here).
    static func applies(_ g: ConvGeometry) -> Bool {
        g.kh == 3 && g.kw == 3 && g.strideY == 2 && g.strideX == 2 && g.padY == 0 && g.padX == 0 && g.groups == 1
            && g.h == 2 * g.outH + 1 && g.w == 2 * g.outW + 1 && g.n * g.outH * g.outW >= minimumPixels
            && g.cin >= minimumChannels && g.cout >= minimumChannels
    }

    static func tiles(_ g: ConvGeometry) -> (y: Int, x: Int) { ((g.outH + 2) / 2, (g.outW + 2) / 2) }

    static func tasks(_ g: ConvGeometry, budget: Int = WinogradPlan.budget) -> [WinogradPlan.Task] {
        let (tilesY, tilesX) = tiles(g)
        return WinogradPlan.tasks(images: g.n, tilesY: tilesY, tilesX: tilesX,
                                  floatsPerTile: floatsPerTile * Swift.max(g.cin, g.cout), budget: budget)
    }

    /// U[c][o][i] for the transposed-convolution weight w [I, O, 3, 3] (I: the channels of its input).
    /// `strides` step along I and O: dense by default, (9, 9 I) for the transposed view of an
    /// [O, I, 3, 3] weight, which is read where it lies.
    static func transformWeights(_ w: UnsafePointer<Float>, inChannels: Int, outChannels: Int,
                                 strides: (input: Int, output: Int)? = nil, into u: UnsafeMutablePointer<Float>) {
        let plane = inChannels * outChannels
        let strides = strides ?? (outChannels * 9, 9)
        let (w, u) = (UncheckedSendable(w), UncheckedSendable(u))
        Parallel.forEach(plane, grain: 4096) { pairs in
            for pair in pairs {
                let (o, i) = (pair / inChannels, pair % inChannels)
                let k = w.value + i * strides.input + o * strides.output
                let out = u.value + pair
                // Phase (0,0): taps (2, 2), (2, 0), (0, 2), (0, 0) as the 2x2 kernel [dy][dx]; G k along y
                // gives three rows (a, b), each of which G takes along x to (a, a + b, b).
                for p in 0..<3 {
                    let (a, b) = p == 0 ? (k[8], k[6]) : p == 1 ? (k[8] + k[2], k[6] + k[0]) : (k[2], k[0])
                    out[(3 * p) * plane] = a
                    out[(3 * p + 1) * plane] = a + b
                    out[(3 * p + 2) * plane] = b
                }
                // Phase (0,1): taps (2, 1), (0, 1) along y; phase (1,0): taps (1, 2), (1, 0) along x.
                (out[9 * plane], out[10 * plane], out[11 * plane]) = (k[7], k[7] + k[1], k[1])
                (out[12 * plane], out[13 * plane], out[14 * plane]) = (k[5], k[5] + k[3], k[3])
                out[15 * plane] = k[4]
            }
        }
    }

    /// `body` with the transformed weights of `weight` ([I, O, 3, 3]) when `g` takes this path (nil
    /// otherwise), derived once per weight (see `WinogradPlan.withTransformedWeights`).
    static func withTransformedWeights<R>(_ weight: Tensor, _ g: ConvGeometry, _ body: (UnsafePointer<Float>?) -> R) -> R {
        guard applies(g) else { return body(nil) }
        return WinogradPlan.withTransformedWeights(weight, name: "Winograd F(2, 2) stride-2 transposed weights",
                                                   floats: 16 * g.cin * g.cout,
                                                   readsViews: true,
                                                   transform: { transformWeights($0, inChannels: g.cout, outChannels: g.cin,
                                                                                 strides: ($1[0], $1[1]), into: $2) },
                                                   body)
    }

    /// z = the transposed convolution of x with the weight whose transform is `u`, geometry `g` as
    /// in `applies` (x: [n, g.cout, g.outH, g.outW], z: [n, g.cin, g.h, g.w]). `inputScale` ([n, I])
    /// scales x's channels per image.
    static func forward(x: UnsafePointer<Float>, u: UnsafePointer<Float>, z: UnsafeMutablePointer<Float>, _ g: ConvGeometry,
                        inputScale: UnsafePointer<Float>? = nil, budget: Int = WinogradPlan.budget) {
        let tasks = Self.tasks(g, budget: budget)
        let tilesX = tiles(g).x
        let maxTiles = tasks.map { $0.images.count * $0.band.count * tilesX }.max() ?? 0
        let (inChannels, outChannels) = (g.cout, g.cin)
        let x = UncheckedSendable(x), u = UncheckedSendable(u), z = UncheckedSendable(z)
        let scale = UncheckedSendable(inputScale)
        let inImage = inChannels * g.outH * g.outW, outImage = outChannels * g.h * g.w

        WinogradPlan.run(tasks, vFloats: floatsPerTile * inChannels * maxTiles,
                         mFloats: floatsPerTile * outChannels * maxTiles) { task, _, v, m in
            let bandTiles = task.band.count * tilesX, tiles = task.images.count * bandTiles
            for image in task.images {
                let first = (image - task.images.lowerBound) * bandTiles
                transformInput(x.value + image * inImage, scale: scale.value.map { $0 + image * inChannels }, g,
                               band: task.band, into: v, firstColumn: first, tiles: tiles)
            }
            for c in 0..<16 {
                let width = blocks[c] * tiles
                BLAS.sgemm(transA: false, transB: false, m: outChannels, n: width, k: inChannels,
                           a: u.value + c * outChannels * inChannels, lda: inChannels,
                           b: v + blockStarts[c] * inChannels * tiles, ldb: width,
                           c: m + blockStarts[c] * outChannels * tiles, ldc: width)
            }
            for image in task.images {
                let first = (image - task.images.lowerBound) * bandTiles
                transformOutput(m, g, band: task.band, firstColumn: first, tiles: tiles, into: z.value + image * outImage)
            }
        }
    }

    /// V for one image's tiles of `band` (tile rows), from column `firstColumn` of blocks `tiles` wide.
    static func transformInput(_ x: UnsafePointer<Float>, scale: UnsafePointer<Float>?, _ g: ConvGeometry,
                               band: Range<Int>, into v: UnsafeMutablePointer<Float>, firstColumn: Int, tiles: Int) {
        let (h, w, inChannels) = (g.outH, g.outW, g.cout)
        let tilesX = Self.tiles(g).x
        let x = UncheckedSendable(x), v = UncheckedSendable(v), scale = UncheckedSendable(scale)
        Parallel.forEach(inChannels, grain: Swift.max(1, 8192 / Swift.max(band.count * tilesX, 1))) { channels in
            let level = ComputeConfiguration.current.kernelLevel
            // Input row r split by column: even[j] = x[r, 2j - 1], odd[j] = x[r, 2j], zero outside.
            let padded = tilesX + 1
            let rows = UnsafeMutablePointer<Float>.allocate(capacity: 6 * padded)
            // Where the 25 transformed values of a tile go: slot blockStarts[c] + column block.
            let slots = UnsafeMutablePointer<UnsafeMutablePointer<Float>?>.allocate(capacity: 25)
            defer { rows.deallocate(); slots.deallocate() }
            for c in channels {
                let plane = x.value + c * h * w
                let factor = scale.value.map { $0[c] } ?? 1
                for ta in band {
                    for r in 0..<3 { WinogradPlan.splitRow(plane, row: 2 * ta - 1 + r, height: h, width: w, factor: factor,
                                              into: rows + 2 * r * padded, padded: padded, level: level) }
                    let column = firstColumn + (ta - band.lowerBound) * tilesX
                    for k in 0..<16 {
                        for block in 0..<blocks[k] {
                            slots[blockStarts[k] + block] = v.value + (blockStarts[k] * inChannels + c * blocks[k]) * tiles
                                + block * tiles + column
                        }
                    }
                    toon_winograd_up_input(level, rows, rows + padded, padded, slots, tilesX)
                }
            }
        }
    }

    /// One image's output rows 4 * `band` (clipped to the output) from M.
    static func transformOutput(_ m: UnsafePointer<Float>, _ g: ConvGeometry, band: Range<Int>, firstColumn: Int,
                                tiles: Int, into z: UnsafeMutablePointer<Float>) {
        let (outChannels, outH, outW) = (g.cin, g.h, g.w)
        let tilesX = Self.tiles(g).x
        let m = UncheckedSendable(m), z = UncheckedSendable(z)
        Parallel.forEach(outChannels, grain: Swift.max(1, 8192 / Swift.max(band.count * tilesX, 1))) { channels in
            let level = ComputeConfiguration.current.kernelLevel
            let slots = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: 25)
            defer { slots.deallocate() }
            for o in channels {
                let plane = z.value + o * outH * outW
                for ta in band {
                    let column = firstColumn + (ta - band.lowerBound) * tilesX
                    for k in 0..<16 {
                        for block in 0..<blocks[k] {
                            slots[blockStarts[k] + block] = UnsafePointer(m.value + (blockStarts[k] * outChannels + o * blocks[k]) * tiles
                                + block * tiles + column)
                        }
                    }
                    let rows = Swift.min(4, outH - 4 * ta)
                    toon_winograd_up_output(level, slots, Int32(rows), plane + 4 * ta * outW, outW, tilesX)
                }
            }
        }
    }
}
