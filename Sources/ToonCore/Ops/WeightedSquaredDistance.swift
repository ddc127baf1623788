// LPIPS's per-layer distance, sum over channels of w_c (a - b)^2 averaged over the pixels, in one
// pass each way instead of the composed subtraction, square, 1x1 convolution and mean. Gradients of
// gradients go through the composed ops.

extension Tensor {
    /// [N]: the mean over pixels of the sum over channels of weights[c] * (self - other)^2, for
    /// NCHW `self` and `other` of one shape and `weights` [C].
    public func weightedSquaredDistance(_ other: Tensor, weights: Tensor) -> Tensor {
        precondition(rank == 4 && other.shape == shape && weights.shape == [shape[1]],
                     "weightedSquaredDistance: \(shape), \(other.shape) and weights \(weights.shape)")
        let (a, b, w) = (contiguousValues(), other.contiguousValues(), weights.contiguousValues())
        let (n, channels, pixels) = (shape[0], shape[1], shape[2] * shape[3])
        // One partial sum per plane, added in a fixed order: the same result on any thread count.
        let planes = Tensor(uninitializedShape: [n, channels])
        let p = UncheckedSendable((a: UnsafePointer(a.denseBase), b: UnsafePointer(b.denseBase), sums: planes.storage.pointer))
        Parallel.forEach(n * channels, grain: Swift.max(1, 16_384 / Swift.max(pixels, 1))) { items in
            for plane in items {
                let (pa, pb) = (p.value.a + plane * pixels, p.value.b + plane * pixels)
                var total: Double = 0
                for i in 0..<pixels { let d = pa[i] - pb[i]; total += Double(d * d) }
                p.value.sums[plane] = Float(total)
            }
        }
        let scalars = planes.scalars, ws = w.scalars
        var y = Tensor(shape: [n], scalars: (0..<n).map { image in
            (0..<channels).reduce(Float(0)) { $0 + ws[$1] * scalars[image * channels + $1] } / Float(pixels)
        })
        guard Tensor.shouldRecord(self, other, weights) else { return y }
        let (first, second) = (self, other)
        y.recordHistory("weightedSquaredDistance", inputs: [self, other, weights]) { g in
            let needed = [first, second, weights].enumerated().map { Tensor.isGradientNeeded($1, index: $0) }
            guard !GradMode.isEnabled && !needed[2] else {
                let composed = withGradients { (first - second).square().conv2d(weights.reshaped([1, channels, 1, 1])).mean(axes: [1, 2, 3]) }
                let wanted = zip([first, second, weights], needed).filter(\.1).map(\.0)
                var grads = gradients(of: composed, wrt: wanted, seed: g, createGraph: GradMode.isEnabled).makeIterator()
                return needed.map { $0 ? grads.next() : nil }
            }
            let ga = Self.distanceGradient(a, b, weights: ws, g.scalars.map { 2 * $0 / Float(pixels) })
            return [needed[0] ? ga : nil, needed[1] ? -ga : nil, nil]
        }
        return y
    }

    /// factor[n] * weights[c] * (a - b), elementwise.
    private static func distanceGradient(_ a: Tensor, _ b: Tensor, weights: [Float], _ factor: [Float]) -> Tensor {
        let (channels, pixels) = (a.shape[1], a.shape[2] * a.shape[3])
        let ga = Tensor(uninitializedShape: a.shape)
        let p = UncheckedSendable((a: UnsafePointer(a.denseBase), b: UnsafePointer(b.denseBase), ga: ga.storage.pointer))
        Parallel.forEach(a.shape[0] * channels, grain: Swift.max(1, 16_384 / Swift.max(pixels, 1))) { items in
            for plane in items {
                let scale = factor[plane / channels] * weights[plane % channels]
                let (pa, pb, out) = (p.value.a + plane * pixels, p.value.b + plane * pixels, p.value.ga + plane * pixels)
                for i in 0..<pixels { out[i] = scale * (pa[i] - pb[i]) }
            }
        }
        withExtendedLifetime((a, b)) {}
        return ga
    }
}
