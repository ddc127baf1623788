// Reflect padding (PyTorch's mode='reflect': the edge sample is not repeated). Each padded sample
// copies one input sample, so the pad is a sparse linear map along each axis; its adjoint folds the
// padding back onto the samples it copied, and the pair differentiates to any order.

extension Tensor {
    /// Pads `axis` by reflection: `before` samples mirrored about the first sample, `after` about the
    /// last. Each amount must be below the axis' length, as in PyTorch.
    public func reflectPadded(axis: Int, before: Int, after: Int) -> Tensor {
        let axis = Shape.axis(axis, rank: rank)
        let n = shape[axis]
        precondition(before >= 0 && after >= 0 && before < n && after < n,
                     "reflect padding (\(before), \(after)) needs amounts below the axis' \(n) samples")
        if before == 0 && after == 0 { return self }
        let entries = (0..<(n + before + after)).map { o -> [(Int, Float)] in
            let i = o - before
            let source = i < 0 ? -i : (i >= n ? 2 * (n - 1) - i : i)
            return [(source, 1)]
        }
        return resampled(along: axis, AxisMap(inSize: n, entries: entries))
    }

    /// Reflect padding of an NCHW tensor's height and width (PyTorch's pad order left, right, top, bottom).
    public func reflectPadded(_ padding: ResamplePadding) -> Tensor {
        precondition(rank == 4, "reflectPadded expects an NCHW tensor, got \(shape)")
        return reflectPadded(axis: 3, before: padding.x0, after: padding.x1)
            .reflectPadded(axis: 2, before: padding.y0, after: padding.y1)
    }
}
