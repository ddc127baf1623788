// Average pooling with PyTorch's defaults (count_include_pad = true, ceil_mode = false). Every
// window then has kernel*kernel cells, so the pool is separable: a 1-D box average along H, then
// along W, each an axis map whose transpose is the VJP.

extension Tensor {
    /// torch `avg_pool2d(x, kernel, stride, padding)` on NCHW: zero padding counts towards the
    /// average; windows that would run past the padded edge are dropped. `stride` defaults to `kernel`.
    public func avgPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
        precondition(rank == 4, "avgPool2d expects an NCHW tensor, got \(shape)")
        let stride = stride ?? kernel
        precondition(kernel >= 1 && stride >= 1 && padding >= 0 && padding <= kernel / 2,
                     "avgPool2d: kernel \(kernel), stride \(stride), padding \(padding) is not a valid pool")
        return resampled(along: 2, Tensor.boxAverage(inSize: shape[2], kernel: kernel, stride: stride, padding: padding))
            .resampled(along: 3, Tensor.boxAverage(inSize: shape[3], kernel: kernel, stride: stride, padding: padding))
    }

    /// One axis of the pool: output o averages inputs o*stride - padding ..< +kernel, with the
    /// out-of-range (padding) cells contributing zero but still counted.
    static func boxAverage(inSize: Int, kernel: Int, stride: Int, padding: Int) -> AxisMap {
        let span = inSize + 2 * padding
        precondition(span >= kernel, "avgPool2d: kernel \(kernel) is larger than the padded input \(span)")
        let outSize = (span - kernel) / stride + 1
        let w = 1 / Float(kernel)
        let entries = (0..<outSize).map { o in
            (0..<kernel).compactMap { t -> (Int, Float)? in
                let i = o * stride - padding + t
                return i >= 0 && i < inSize ? (i, w) : nil
            }
        }
        return AxisMap(inSize: inSize, entries: entries)
    }
}
