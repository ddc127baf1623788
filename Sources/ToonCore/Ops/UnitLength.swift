// Scaling each pixel's channel vector to unit length (LPIPS normalises every VGG feature map so):
// as composed ops five passes forward and about eight back over feature maps as large as the image;
// here two each way. Gradients of gradients go through the composed ops.

extension Tensor {
    /// x / (|x| + epsilon), |x| the Euclidean length over the channels (axis 1) of NCHW `self`.
    public func unitLengthOverChannels(epsilon: Float) -> Tensor {
        precondition(rank == 4, "unitLengthOverChannels needs an NCHW tensor, not \(shape)")
        let x = contiguousValues()
        let (n, channels, pixels) = (shape[0], shape[1], shape[2] * shape[3])
        // |x| + epsilon per pixel, kept for the backward pass (1/C of the input's size).
        let lengths = Tensor(uninitializedShape: [n, pixels])
        var y = Tensor(uninitializedShape: shape)
        let p = UncheckedSendable((x: UnsafePointer(x.denseBase), y: y.storage.pointer, lengths: lengths.storage.pointer))
        Parallel.forEach(n * Self.chunks(pixels), grain: 1) { items in
            for item in items {
                let (image, run) = Self.run(item, pixels: pixels)
                let length = p.value.lengths + image * pixels
                for i in run { length[i] = 0 }
                for c in 0..<channels {
                    let plane = p.value.x + (image * channels + c) * pixels
                    for i in run { length[i] += plane[i] * plane[i] }
                }
                for i in run { length[i] = length[i].squareRoot() + epsilon }
                for c in 0..<channels {
                    let offset = (image * channels + c) * pixels
                    for i in run { p.value.y[offset + i] = p.value.x[offset + i] / length[i] }
                }
            }
        }
        guard Tensor.shouldRecord(self) else { return y }
        let input = self
        y.recordHistory("unitLengthOverChannels", inputs: [self]) { g in
            guard !GradMode.isEnabled else {
                return [gradients(of: input.unitLengthComposed(epsilon: epsilon), wrt: [input], seed: g, createGraph: true)[0]]
            }
            return [Self.unitLengthBackward(x: x, lengths: lengths, epsilon: epsilon, g.contiguousValues())]
        }
        return y
    }

    /// The same function as composed differentiable ops.
    func unitLengthComposed(epsilon: Float) -> Tensor {
        self / (square().sum(axes: [1], keepDims: true).sqrt() + epsilon)
    }

    /// With L = |x| + eps per pixel: gx = g / L - x * (sum over channels of g x) / (L^2 |x|).
    private static func unitLengthBackward(x: Tensor, lengths: Tensor, epsilon: Float, _ g: Tensor) -> Tensor {
        let (n, channels, pixels) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        let gx = Tensor(uninitializedShape: x.shape)
        let p = UncheckedSendable((x: UnsafePointer(x.denseBase), g: UnsafePointer(g.denseBase), gx: gx.storage.pointer,
                                   lengths: UnsafePointer(lengths.denseBase)))
        Parallel.forEach(n * chunks(pixels), grain: 1) { items in
            let along = UnsafeMutablePointer<Float>.allocate(capacity: chunk)
            defer { along.deallocate() }
            for item in items {
                let (image, run) = run(item, pixels: pixels)
                let length = p.value.lengths + image * pixels
                for i in run { along[i - run.lowerBound] = 0 }
                for c in 0..<channels {
                    let offset = (image * channels + c) * pixels
                    for i in run { along[i - run.lowerBound] += p.value.g[offset + i] * p.value.x[offset + i] }
                }
                // The second term's factor per pixel; a zero vector (|x| = 0) has none.
                for i in run {
                    let norm = length[i] - epsilon
                    along[i - run.lowerBound] = norm > 0 ? along[i - run.lowerBound] / (length[i] * length[i] * norm) : 0
                }
                for c in 0..<channels {
                    let offset = (image * channels + c) * pixels
                    for i in run {
                        p.value.gx[offset + i] = p.value.g[offset + i] / length[i] - p.value.x[offset + i] * along[i - run.lowerBound]
                    }
                }
            }
        }
        withExtendedLifetime((x, g, lengths)) {}
        return gx
    }

    /// Pixels per task: its per-pixel sums stay in cache while it walks the channels.
    private static let chunk = 1024

    private static func chunks(_ pixels: Int) -> Int { (pixels + chunk - 1) / chunk }

    /// Task `item`'s image and pixel range.
    private static func run(_ item: Int, pixels: Int) -> (Int, Range<Int>) {
        let (image, index) = item.quotientAndRemainder(dividingBy: chunks(pixels))
        return (image, (index * chunk)..<Swift.min(pixels, (index + 1) * chunk))
    }
}
