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
    /// Fewest input pixels per call, and channels, for which the transforms pay off.
    static let minimumPixels = 8 * 8
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
    static func transformWeights(_ w: UnsafePointer<Float>, inChannels: Int, outChannels: Int,
                                 into u: UnsafeMutablePointer<Float>) {
        let plane = inChannels * outChannels
        let (w, u) = (UncheckedSendable(w), UncheckedSendable(u))
        Parallel.forEach(plane, grain: 4096) { pairs in
            for pair in pairs {
                let (o, i) = (pair / inChannels, pair % inChannels)
                let k = w.value + (i * outChannels + o) * 9
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
                                                   transform: { transformWeights($0, inChannels: g.cout, outChannels: g.cin, into: $1) },
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
            // Input row r split by column: even[j] = x[r, 2j - 1], odd[j] = x[r, 2j], zero outside.
            let padded = tilesX + 1
            let rows = UnsafeMutablePointer<Float>.allocate(capacity: 6 * padded)
            // Where the 25 transformed values of a tile go: slot blockStarts[c] + column block.
            let slots = UnsafeMutablePointer<UnsafeMutablePointer<Float>>.allocate(capacity: 25)
            defer { rows.deallocate(); slots.deallocate() }
            for c in channels {
                let plane = x.value + c * h * w
                let factor = scale.value.map { $0[c] } ?? 1
                for ta in band {
                    for r in 0..<3 { WinogradPlan.splitRow(plane, row: 2 * ta - 1 + r, height: h, width: w, factor: factor,
                                              into: rows + 2 * r * padded, padded: padded) }
                    let column = firstColumn + (ta - band.lowerBound) * tilesX
                    for k in 0..<16 {
                        for block in 0..<blocks[k] {
                            slots[blockStarts[k] + block] = v.value + (blockStarts[k] * inChannels + c * blocks[k]) * tiles
                                + block * tiles + column
                        }
                    }
                    let e = UnsafePointer(rows), o = e + padded
                    var t = 0
                    while t + 8 <= tilesX { inputTiles(t, SIMD8<Float>.self, e, o, padded, slots); t += 8 }
                    while t < tilesX { inputTiles(t, Float.self, e, o, padded, slots); t += 1 }
                }
            }
        }
    }

    /// The 25 transformed values of tiles t..<t + L.width from the split rows r0, r1, r2 (`e`, `o`:
    /// even and odd halves of r0, each next row `2 * padded` further). Columns c0 = even[t],
    /// c1 = odd[t], c2 = even[t + 1]. Phase (0,0): Bᵀ over rows (r0 - r1, r1, r2 - r1), then over
    /// columns (c0 - c1, c1, c2 - c1); (0,1): the row transform at c1, c2; (1,0): the column
    /// transform of r1, r2; (1,1): r1, r2 at c1, c2.
    @inline(__always) static func inputTiles<L: FloatLanes>(_ t: Int, _: L.Type, _ e: UnsafePointer<Float>, _ o: UnsafePointer<Float>,
                                                            _ padded: Int, _ slots: UnsafeMutablePointer<UnsafeMutablePointer<Float>>) {
        let step = 2 * padded
        let (e0, e1, e2) = (L.load(e + t), L.load(e + step + t), L.load(e + 2 * step + t))
        let (n0, n1, n2) = (L.load(e + t + 1), L.load(e + step + t + 1), L.load(e + 2 * step + t + 1))
        let (o0, o1, o2) = (L.load(o + t), L.load(o + step + t), L.load(o + 2 * step + t))
        let (a0, a2) = (e0 - e1, e2 - e1)   // column c0 after the row transform (a1 = e1)
        let (b0, b2) = (o0 - o1, o2 - o1)   // column c1 (b1 = o1)
        let (d0, d2) = (n0 - n1, n2 - n1)   // column c2 (d1 = n1)
        (a0 - b0).store(to: slots[0] + t); b0.store(to: slots[1] + t); (d0 - b0).store(to: slots[2] + t)
        (e1 - o1).store(to: slots[3] + t); o1.store(to: slots[4] + t); (n1 - o1).store(to: slots[5] + t)
        (a2 - b2).store(to: slots[6] + t); b2.store(to: slots[7] + t); (d2 - b2).store(to: slots[8] + t)
        b0.store(to: slots[9] + t); d0.store(to: slots[10] + t)
        o1.store(to: slots[11] + t); n1.store(to: slots[12] + t)
        b2.store(to: slots[13] + t); d2.store(to: slots[14] + t)
        (e1 - o1).store(to: slots[15] + t); (e2 - o2).store(to: slots[16] + t)
        o1.store(to: slots[17] + t); o2.store(to: slots[18] + t)
        (n1 - o1).store(to: slots[19] + t); (n2 - o2).store(to: slots[20] + t)
        o1.store(to: slots[21] + t); n1.store(to: slots[22] + t)
        o2.store(to: slots[23] + t); n2.store(to: slots[24] + t)
    }

    /// One image's output rows 4 * `band` (clipped to the output) from M.
    static func transformOutput(_ m: UnsafePointer<Float>, _ g: ConvGeometry, band: Range<Int>, firstColumn: Int,
                                tiles: Int, into z: UnsafeMutablePointer<Float>) {
        let (outChannels, outH, outW) = (g.cin, g.h, g.w)
        let tilesX = Self.tiles(g).x
        let m = UncheckedSendable(m), z = UncheckedSendable(z)
        Parallel.forEach(outChannels, grain: Swift.max(1, 8192 / Swift.max(band.count * tilesX, 1))) { channels in
            let slots = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: 25)
            let tail = UnsafeMutablePointer<Float>.allocate(capacity: 16)
            defer { slots.deallocate(); tail.deallocate() }
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
                    let dst = plane + 4 * ta * outW
                    // Whole blocks of eight tiles while all their 32 columns lie inside the row.
                    var t = 0
                    while 4 * (t + 8) <= outW {
                        outputTiles(t, SIMD8<Float>.self, slots, rows: rows) { row, a, b, c, d in
                            SIMD8<Float>.storeInterleaved(a, b, c, d, to: dst + row * outW + 4 * t)
                        }
                        t += 8
                    }
                    while t < tilesX {
                        let columns = Swift.min(4, outW - 4 * t)
                        outputTiles(t, Float.self, slots, rows: rows) { row, a, b, c, d in
                            Float.storeInterleaved(a, b, c, d, to: tail)
                            (dst + row * outW + 4 * t).update(from: tail, count: columns)
                        }
                        t += 1
                    }
                }
            }
        }
    }

    /// Output rows 0..<rows (of the 4x4 block per tile) of tiles t..<t + L.width, as four values per
    /// row: row 0 = (00, 01, 00, 01) at i = 0, row 1 = (10, 11, 10, 11) at i = 0, rows 2, 3 at i = 1.
    /// Aᵀ m A for phase (0,0), Aᵀ along y for (0,1) and along x for (1,0); Aᵀ = [1 1 0; 0 1 1].
    @inline(__always) static func outputTiles<L: FloatLanes>(_ t: Int, _: L.Type, _ slots: UnsafeMutablePointer<UnsafePointer<Float>>,
                                                             rows: Int, _ store: (Int, L, L, L, L) -> Void) {
        func at(_ slot: Int) -> L { L.load(slots[slot] + t) }
        let (m0, m1, m2, m3, m4, m5, m6, m7, m8) = (at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7), at(8))
        let (s00, s01, s02) = (m0 + m3, m1 + m4, m2 + m5)
        let (s10, s11, s12) = (m3 + m6, m4 + m7, m5 + m8)
        let (q00, q01, q10, q11, q20, q21) = (at(9), at(10), at(11), at(12), at(13), at(14))
        let (r00, r01, r10, r11, r20, r21) = (at(15), at(16), at(17), at(18), at(19), at(20))
        store(0, s00 + s01, q00 + q10, s01 + s02, q01 + q11)
        if rows > 1 { store(1, r00 + r10, at(21), r10 + r20, at(22)) }
        if rows > 2 { store(2, s10 + s11, q10 + q20, s11 + s12, q11 + q21) }
        if rows > 3 { store(3, r01 + r11, at(23), r11 + r21, at(24)) }
    }
}
