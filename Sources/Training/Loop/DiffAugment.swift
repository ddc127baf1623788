import ToonCore

/// DiffAugment (Zhao et al. 2020, "color,translation,cutout"): random, differentiable changes applied to
/// every image D sees, real or generated, so D cannot memorise a small dataset and G's gradients pass
/// through. Colour: brightness +-0.5, saturation x0...2, contrast x0.5...1.5 per image; translation by
/// up to 1/8 of the side with zeros shifted in; cutout of a square half the side, zeroed.
struct DiffAugment: Sendable {
    let random: TrainingRandom

    /// `images` [N, C, H, W] with draws keyed by (step, call): each D call of a step gets its own.
    func callAsFunction(_ images: Tensor, step: Int, call: Int) -> Tensor {
        var draw = random.stream(.augment, step &* 8 &+ call)
        let (n, h, w) = (images.shape[0], images.shape[2], images.shape[3])
        func uniform(_ count: Int) -> Tensor {
            Tensor(shape: [count, 1, 1, 1], scalars: (0..<count).map { _ in Float(draw.randomSample()) })
        }
        var x = images + (uniform(n) - 0.5)
        let channelMean = x.mean(axes: [1], keepDims: true)
        x = (x - channelMean) * (uniform(n) * 2) + channelMean
        let imageMean = x.mean(axes: [1, 2, 3], keepDims: true)
        x = (x - imageMean) * (uniform(n) + 0.5) + imageMean

        // Translation: shift each image by (ty, tx) in -s...s, zeros entering.
        let sy = Int(Float(h) * 0.125 + 0.5), sx = Int(Float(w) * 0.125 + 0.5)
        let padded = x.padded([(0, 0), (0, 0), (sy, sy), (sx, sx)])
        x = Tensor.concatenate((0..<n).map { i in
            let ty = Int(draw.randomSample() * Double(2 * sy + 1)) - sy
            let tx = Int(draw.randomSample() * Double(2 * sx + 1)) - sx
            return padded.slice(axis: 0, i..<(i + 1)).slice(axis: 2, (sy + ty)..<(sy + ty + h)).slice(axis: 3, (sx + tx)..<(sx + tx + w))
        }, axis: 0)

        // Cutout: a square of half the side, centred anywhere (clipped at the borders), set to zero.
        let (cy, cx) = (Int(Float(h) * 0.5 + 0.5), Int(Float(w) * 0.5 + 0.5))
        var mask = [Float](repeating: 1, count: n * h * w)
        for i in 0..<n {
            let oy = Int(draw.randomSample() * Double(h + (1 - cy % 2))) - cy / 2
            let ox = Int(draw.randomSample() * Double(w + (1 - cx % 2))) - cx / 2
            for y in max(oy, 0)..<min(oy + cy, h) {
                for xx in max(ox, 0)..<min(ox + cx, w) { mask[(i * h + y) * w + xx] = 0 }
            }
        }
        return x * Tensor(shape: [n, 1, h, w], scalars: mask)
    }
}
