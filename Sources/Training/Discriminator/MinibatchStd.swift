import ToonCore

extension Tensor {
    /// NVLabs' MinibatchStdLayer: the batch is split into groups of `groupSize` samples taken with
    /// stride N / groupSize (sample g * n + j belongs to group j), channels into `channels` parts; each
    /// part's standard deviation over its group, averaged over its channels and pixels, is appended
    /// as one constant feature map per part. Differentiable.
    func appendingMinibatchStd(groupSize: Int, channels f: Int) -> Tensor {
        precondition(rank == 4, "minibatch stddev expects NCHW, got \(shape)")
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let g = Swift.min(groupSize, n)
        precondition(n % g == 0, "minibatch stddev: batch \(n) is not a multiple of the group size \(g)")
        precondition(c % f == 0, "minibatch stddev: \(c) channels do not split into \(f) parts")
        let groups = n / g
        var y = reshaped([g, groups, f, c / f, h, w])
        y = y - y.mean(axes: [0], keepDims: true)
        y = (y.square().mean(axes: [0]) + 1e-8).sqrt()        // [groups, F, c/F, H, W]
        y = y.mean(axes: [2, 3, 4])                             // [groups, F]
        let maps = y.reshaped([1, groups, f, 1, 1]).expanded(to: [g, groups, f, h, w]).reshaped([n, f, h, w])
        return Tensor.concatenate([self, maps], axis: 1)
    }
}
