// Normalisation composed from differentiable primitives, so gradients of any order come for free.

extension Tensor {
    /// Pixel normalisation: x * rsqrt(mean(x^2 over `axis`) + eps).
    public func pixelNorm(axis: Int = 1, eps: Float = 1e-8) -> Tensor {
        self * (square().mean(axes: [axis], keepDims: true) + eps).rsqrt()
    }

    /// NVLabs `normalize_2nd_moment`: the same as `pixelNorm`.
    public func normalize2ndMoment(axis: Int = 1, eps: Float = 1e-8) -> Tensor {
        pixelNorm(axis: axis, eps: eps)
    }
}
