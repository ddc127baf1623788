import ToonCore

/// ADA's 'bgc' augmentation (Karras et al. 2020, NVLabs stylegan2-ada-pytorch augment.py): x-flip,
/// quarter turns, integer translation, isotropic scaling, rotation, anisotropic scaling and fractional
/// translation as one resampling per image, then brightness, contrast, luma flip, hue and saturation
/// as one colour matrix per image. Each transform is applied to each image with probability p. For
/// fixed draws every step is linear in the image and built from ops that differentiate to any order,
/// so R1 differentiates through it.
package struct AugmentPipe: Sendable {
    let random: TrainingRandom

    /// A pipe drawing from the run's `seed` (for toon-bench; training builds it from its options).
    package init(seed: UInt64) { random = TrainingRandom(seed: seed) }
    init(random: TrainingRandom) { self.random = random }

    /// `images` [N, C, H, W] augmented with probability `p`, the draws keyed by (step, call) as DiffAugment's.
    /// Under data parallelism the images are `rows` of a batch of `total`: the whole batch's parameters
    /// are drawn and each image takes its own.
    package func callAsFunction(_ images: Tensor, probability p: Float, step: Int, call: Int, rows: [Int]? = nil, total: Int? = nil) -> Tensor {
        var draw = random.stream(.augment, step &* 8 &+ call)
        let parameters = AugmentParameters.draw(count: total ?? images.shape[0], channels: images.shape[1],
                                                probability: Double(p), using: &draw)
        guard let rows else { return Self.apply(parameters, to: images) }
        return Self.apply(rows.map { parameters[$0] }, to: images, batch: parameters)
    }

    /// The images with one image's parameters each. A stage whose maps are all the identity is skipped,
    /// so p = 0 returns the images unchanged (NVLabs still resamples them, which is nearly the identity).
    /// `batch`: the whole batch's parameters when `images` are one rank's share of it, so the stages
    /// run and the padding is chosen as they are for the whole batch.
    static func apply(_ parameters: [AugmentParameters], to images: Tensor, batch: [AugmentParameters]? = nil) -> Tensor {
        precondition(images.rank == 4 && images.shape[0] == parameters.count,
                     "augment: \(parameters.count) draws for images \(images.shape)")
        precondition(images.shape[1] == 1 || images.shape[1] == 3, "augment: images must be RGB or grey, got \(images.shape)")
        var x = images
        let (h, w) = (images.shape[2], images.shape[3])
        let geometric = parameters.map { $0.geometricInverse(width: w, height: h) }
        let batchGeometric = batch.map { $0.map { $0.geometricInverse(width: w, height: h) } } ?? geometric
        if batchGeometric.contains(where: { $0 != .identity(3) }) { x = resample(x, inverses: geometric, reachOf: batchGeometric) }
        let colors = parameters.map(\.colorMatrix)
        if (batch ?? parameters).contains(where: { $0.colorMatrix != .identity(4) }) { x = recolor(x, colors) }
        return x
    }

    /// NVLabs' sym6 wavelet low-pass: the filter of the 2x up- and downsampling around the resampling.
    static let sym6: [Float] = [0.015404109327027373, 0.0034907120842174702, -0.11799011114819057, -0.048311742585633,
                                0.4910559419267466, 0.787641141030194, 0.3379294217276218, -0.07263752278646252,
                                -0.021060292512300564, 0.04472490177066578, 0.0017677118642428036, -0.007800708325034148]
    static let geometricFilter = setupFilter(sym6.map { $0 })
    /// Samples of padding beyond the filter's reach (NVLabs Hz_pad: a quarter of the taps).
    static let filterPad = sym6.count / 4

    /// Reflect-pads each side by what the most displaced corner of any image needs, upsamples 2x,
    /// samples through each image's map, and downsamples back to H x W (NVLabs' steps and margins).
    /// `reachOf`: the maps whose corners set the padding (the whole batch's; `inverses` by default).
    static func resample(_ images: Tensor, inverses: [SquareMatrix], reachOf batch: [SquareMatrix]? = nil) -> Tensor {
        let (h, w) = (images.shape[2], images.shape[3])
        let cx = Double(w - 1) / 2, cy = Double(h - 1) / 2
        // How far outside the image any output corner reads, per side (left, top, right, bottom).
        var reach = [-Double.infinity, -Double.infinity, -Double.infinity, -Double.infinity]
        for g in batch ?? inverses {
            for (px, py) in [(-cx, -cy), (cx, -cy), (cx, cy), (-cx, cy)] {
                let x = g[0, 0] * px + g[0, 1] * py + g[0, 2], y = g[1, 0] * px + g[1, 1] * py + g[1, 2]
                reach = [max(reach[0], -x), max(reach[1], -y), max(reach[2], x), max(reach[3], y)]
            }
        }
        let pad = Double(filterPad * 2)
        let limits = [Double(w - 1), Double(h - 1), Double(w - 1), Double(h - 1)]
        let centres = [cx, cy, cx, cy]
        let margin = (0..<4).map { Int(min(max(reach[$0] + pad - centres[$0], 0), limits[$0]).rounded(.up)) }
        let (mx0, my0, mx1, my1) = (margin[0], margin[1], margin[2], margin[3])

        let padded = images.reflectPadded(ResamplePadding(x0: mx0, x1: mx1, y0: my0, y1: my1))
        let upsampled = padded.upsample2d(geometricFilter, up: 2)
        let (upH, upW) = (upsampled.shape[2], upsampled.shape[3])
        let (outH, outW) = ((h + filterPad * 2) * 2, (w + filterPad * 2) * 2)
        // Output pixel -> input pixel in the padded, upsampled frame, then in affine_grid's [-1, 1] units.
        let thetas = inverses.map { g0 -> [Double] in
            var g = SquareMatrix.translate2d(Double(mx0 - mx1) / 2, Double(my0 - my1) / 2) * g0
            g = .scale2d(2, 2) * g * .scale2d(0.5, 0.5)
            g = .translate2d(-0.5, -0.5) * g * .translate2d(0.5, 0.5)
            g = .scale2d(2 / Double(upW), 2 / Double(upH)) * g * .scale2d(Double(outW) / 2, Double(outH) / 2)
            return [g[0, 0], g[0, 1], g[0, 2], g[1, 0], g[1, 1], g[1, 2]]
        }
        let grid = BilinearGrid(affine: thetas, inHeight: upH, inWidth: upW, outHeight: outH, outWidth: outW)
        return upsampled.gridSampled(grid)
            .downsample2d(geometricFilter, down: 2, padding: ResamplePadding(-filterPad * 2), flipFilter: true)
    }

    /// Each image's colours through its 4x4 homogeneous matrix (grey images through its mean row, as NVLabs).
    static func recolor(_ images: Tensor, _ matrices: [SquareMatrix]) -> Tensor {
        let (n, channels, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        let pixels = images.reshaped([n, 1, channels, h * w])
        var linear: [Float] = [], offset: [Float] = []
        for m in matrices {
            if channels == 3 {
                for row in 0..<3 {
                    linear += (0..<3).map { Float(m[row, $0]) }
                    offset.append(Float(m[row, 3]))
                }
            } else {
                let mean = { (column: Int) in (0..<3).reduce(0.0) { $0 + m[$1, column] } / 3 }
                linear.append(Float(mean(0) + mean(1) + mean(2)))
                offset.append(Float(mean(3)))
            }
        }
        let a = Tensor(shape: [n, channels, channels, 1], scalars: linear)
        let b = Tensor(shape: [n, channels, 1], scalars: offset)
        return ((pixels * a).sum(axes: [2]) + b).reshaped([n, channels, h, w])
    }
}
