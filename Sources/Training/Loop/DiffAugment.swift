import ToonCore

/// DiffAugment (Zhao et al. 2020, "color,translation,cutout"): random, differentiable changes applied to
/// every image D sees, real or generated, so D cannot memorise a small dataset and G's gradients pass
/// through. Colour: brightness +-0.5, saturation x0...2, contrast x0.5...1.5 per image; translation by
/// up to 1/8 of the side with zeros shifted in; cutout of a square half the side, zeroed.
struct DiffAugment: Sendable {
    let random: TrainingRandom

    /// `images` [N, C, H, W] with draws keyed by (step, call): each D call of a step gets its own.
    /// Under data parallelism the images are `rows` of a batch of `total`: the whole batch's draws are
    /// made (in one process's order) and each image takes its own.
    func callAsFunction(_ images: Tensor, step: Int, call: Int, rows: [Int]? = nil, total: Int? = nil) -> Tensor {
        var draw = random.stream(.augment, step &* 8 &+ call)
        let (n, h, w) = (images.shape[0], images.shape[2], images.shape[3])
        let all = total ?? n, picked = rows ?? Array(0..<n)
        precondition(picked.count == n, "DiffAugment: \(picked.count) rows for \(n) images")
        /// `perImage` draws for each of the batch's images, this share's images' draws.
        func draws(_ perImage: Int) -> [[Double]] {
            let values = (0..<all).map { _ in (0..<perImage).map { _ in draw.randomSample() } }
            return picked.map { values[$0] }
        }
        func uniform() -> Tensor { Tensor(shape: [n, 1, 1, 1], scalars: draws(1).map { Float($0[0]) }) }
        let (brightness, saturation, contrast) = (uniform(), uniform(), uniform())
        let shifts = draws(2), cutouts = draws(2)

        var x = images + (brightness - 0.5)
        let channelMean = x.mean(axes: [1], keepDims: true)
        x = (x - channelMean) * (saturation * 2) + channelMean
        let imageMean = x.mean(axes: [1, 2, 3], keepDims: true)
        x = (x - imageMean) * (contrast + 0.5) + imageMean

        // Translation: shift each image by (ty, tx) in -s...s, zeros entering.
        let sy = Int(Float(h) * 0.125 + 0.5), sx = Int(Float(w) * 0.125 + 0.5)
        let padded = x.padded([(0, 0), (0, 0), (sy, sy), (sx, sx)])
        x = Tensor.concatenate((0..<n).map { i in
            let ty = Int(shifts[i][0] * Double(2 * sy + 1)) - sy
            let tx = Int(shifts[i][1] * Double(2 * sx + 1)) - sx
            return padded.slice(axis: 0, i..<(i + 1)).slice(axis: 2, (sy + ty)..<(sy + ty + h)).slice(axis: 3, (sx + tx)..<(sx + tx + w))
        }, axis: 0)

        // Cutout: a square of half the side, centred anywhere (clipped at the borders), set to zero.
        let (cy, cx) = (Int(Float(h) * 0.5 + 0.5), Int(Float(w) * 0.5 + 0.5))
        var mask = [Float](repeating: 1, count: n * h * w)
        for i in 0..<n {
            let oy = Int(cutouts[i][0] * Double(h + (1 - cy % 2))) - cy / 2
            let ox = Int(cutouts[i][1] * Double(w + (1 - cx % 2))) - cx / 2
            for y in max(oy, 0)..<min(oy + cy, h) {
                for xx in max(ox, 0)..<min(ox + cx, w) { mask[(i * h + y) * w + xx] = 0 }
            }
        }
        return x * Tensor(shape: [n, 1, h, w], scalars: mask)
    }
}
