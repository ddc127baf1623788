/// The weight gradient of a 3x3 stride-1 same-padded convolution by the adjoint of F(2x2, 3x3).
///
/// The forward pass computes each tile as y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A, so for an output gradient
/// tile gy the filter's gradient is Gᵀ [ sum over tiles of (A gy Aᵀ) ⊙ (Bᵀ d B) ] G. Summed over
/// channel pairs that is 16 GEMMs, Ŵ_k[cout, cin] += Gy_k[cout, tiles] V_k[cin, tiles]ᵀ, with the
/// inverse transform applied once at the end: again 16 multiply-adds per tile and channel pair
/// where im2col takes 36.
extension ConvWinograd {
    /// gw [cout, cin, 3, 3] = the gradient of <conv(x, w), gy> in w, for `applies(g)` geometries.
    /// Each worker sums its tasks into its own Ŵ; the workers' sums are added at the end, in order,
    /// so the result is the same on every run.
    static func weightGradient(x: UnsafePointer<Float>, gy: UnsafePointer<Float>, gw: UnsafeMutablePointer<Float>,
                               _ g: ConvGeometry, budget: Int = WinogradPlan.budget) {
        let tasks = Self.tasks(g, budget: budget)
        let tilesX = g.outW / 2
        let maxTiles = tasks.map { $0.images.count * $0.band.count * tilesX }.max() ?? 0
        let plane = g.cout * g.cin, workers = Parallel.workers(forTasks: tasks.count)
        ScratchBuffers.with(count: workers, floats: [16 * plane]) { scratch in
            let sums = scratch[0]
            for worker in 0..<workers { sums[worker].update(repeating: 0, count: 16 * plane) }
            let x = UncheckedSendable(x), gy = UncheckedSendable(gy)
            let inImage = g.cin * g.h * g.w, outImage = g.cout * g.outH * g.outW

            WinogradPlan.run(tasks, vFloats: 16 * g.cin * maxTiles, mFloats: 16 * g.cout * maxTiles) { task, worker, v, m in
                let bandTiles = task.band.count * tilesX, tiles = task.images.count * bandTiles
                for image in task.images {
                    let columns = (image - task.images.lowerBound) * bandTiles..<(image - task.images.lowerBound + 1) * bandTiles
                    transformInput(x.value + image * inImage, scale: nil, g, band: task.band, into: v, columns: columns, width: tiles)
                    transformOutputGradient(gy.value + image * outImage, g, band: task.band, into: m, columns: columns, width: tiles)
                }
                let sum = sums[worker]
                for k in 0..<16 {
                    BLAS.sgemm(transA: false, transB: true, m: g.cout, n: g.cin, k: tiles,
                               a: m + k * g.cout * tiles, lda: tiles, b: v + k * g.cin * tiles, ldb: tiles,
                               beta: 1, c: sum + k * plane, ldc: g.cin)
                }
            }
            for worker in 1..<Swift.max(1, workers) {
                let (total, part) = (sums[0], sums[worker])
                for j in 0..<(16 * plane) { total[j] += part[j] }
            }
            inverseTransformWeights(sums[0], cout: g.cout, cin: g.cin, into: gw)
        }
    }

    /// Gy[k][o][t] = (A gy Aᵀ)[k] for output channel o's 2x2 tile of each tile t in `band`, A = [1 0;
    /// 1 1; 1 -1; 0 -1] (the transpose of the forward pass's Aᵀ): each tile value feeds four.
    static func transformOutputGradient(_ gy: UnsafePointer<Float>, _ g: ConvGeometry, band: Range<Int>,
                                        into out: UnsafeMutablePointer<Float>, columns: Range<Int>, width: Int) {
        let tilesX = g.outW / 2, stride = g.cout * width
        let gy = UncheckedSendable(gy), out = UncheckedSendable(out)
        Parallel.forEach(g.cout, grain: Swift.max(1, 16_384 / Swift.max(columns.count, 1))) { channels in
            for o in channels {
                let plane = gy.value + o * g.outH * g.outW
                for ty in band {
                    let top = plane + 2 * ty * g.outW, bottom = top + g.outW
                    let base = out.value + o * width + columns.lowerBound + (ty - band.lowerBound) * tilesX
                    for t in 0..<tilesX {
                        // A along y for each of the tile's two columns, then along x for each of the four rows.
                        let (a0, a1) = (top[2 * t], bottom[2 * t]), (b0, b1) = (top[2 * t + 1], bottom[2 * t + 1])
                        func put(_ r: Int, _ l: Float, _ q: Float) {
                            let row = base + 4 * r * stride + t
                            row[0] = l
                            row[stride] = l + q
                            row[2 * stride] = l - q
                            row[3 * stride] = -q
                        }
                        put(0, a0, b0)
                        put(1, a0 + a1, b0 + b1)
                        put(2, a0 - a1, b0 - b1)
                        put(3, -a1, -b1)
                    }
                }
            }
        }
    }

    /// gw[o, i] = Gᵀ Ŵ[., o, i] G (4x4 to 3x3), with Gᵀ = [1 ½ ½ 0; 0 ½ -½ 0; 0 ½ ½ 1].
    static func inverseTransformWeights(_ sum: UnsafePointer<Float>, cout: Int, cin: Int, into gw: UnsafeMutablePointer<Float>) {
        let plane = cout * cin
        let (sum, gw) = (UncheckedSendable(sum), UncheckedSendable(gw))
        Parallel.forEach(plane, grain: 4096) { pairs in
            for pair in pairs {
                // Gᵀ applied to four values (one row or column of Ŵ): three values.
                func reduce(_ m0: Float, _ m1: Float, _ m2: Float, _ m3: Float) -> (Float, Float, Float) {
                    (m0 + 0.5 * (m1 + m2), 0.5 * (m1 - m2), 0.5 * (m1 + m2) + m3)
                }
                func row(_ r: Int) -> (Float, Float, Float) {
                    let m = sum.value + 4 * r * plane + pair
                    return reduce(m[0], m[plane], m[2 * plane], m[3 * plane])
                }
                let (r0, r1, r2, r3) = (row(0), row(1), row(2), row(3))
                let out = gw.value + pair * 9
                (out[0], out[3], out[6]) = reduce(r0.0, r1.0, r2.0, r3.0)
                (out[1], out[4], out[7]) = reduce(r0.1, r1.1, r2.1, r3.1)
                (out[2], out[5], out[8]) = reduce(r0.2, r1.2, r2.2, r3.2)
            }
        }
    }
}
