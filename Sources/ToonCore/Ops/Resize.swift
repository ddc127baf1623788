import Foundation

// Image resizing as PyTorch's F.interpolate computes it (antialias off). Both modes are separable
// axis maps: the W pass runs first, then the H pass, which reproduces torch's bilinear expression
// h0 * (w0 * a + w1 * b) + h1 * (w0 * c + w1 * d). The VJP is the transposed map.

/// Interpolation for `resized`.
public enum ResizeMode: Sendable {
    /// torch `mode='bilinear', align_corners=False`: half-pixel centres, edges clamped.
    case bilinear
    /// torch `mode='nearest'`: floor(dst * in / out), not the half-pixel 'nearest-exact'.
    case nearest
}

extension Tensor {
    /// torch `F.interpolate(x, size: (height, width), mode)` on NCHW.
    public func resized(height: Int, width: Int, mode: ResizeMode) -> Tensor {
        precondition(rank == 4, "resized expects an NCHW tensor, got \(shape)")
        precondition(height >= 1 && width >= 1, "resized to \(height)x\(width)")
        return resampled(along: 3, Tensor.resizeMap(inSize: shape[3], outSize: width, scale: nil, mode: mode))
            .resampled(along: 2, Tensor.resizeMap(inSize: shape[2], outSize: height, scale: nil, mode: mode))
    }

    /// torch `F.interpolate(x, scale_factor: scale, mode)` on NCHW: the output is
    /// floor(size * scale) and, as in torch, source coordinates use 1/scale rather than in/out.
    public func resized(scale: Double, mode: ResizeMode) -> Tensor {
        resized(scaleY: scale, scaleX: scale, mode: mode)
    }

    /// As `resized(scale:mode:)` with separate vertical and horizontal factors.
    public func resized(scaleY: Double, scaleX: Double, mode: ResizeMode) -> Tensor {
        precondition(rank == 4, "resized expects an NCHW tensor, got \(shape)")
        precondition(scaleY > 0 && scaleX > 0, "resize scale must be positive")
        let height = Int((Double(shape[2]) * scaleY).rounded(.down))
        let width = Int((Double(shape[3]) * scaleX).rounded(.down))
        precondition(height >= 1 && width >= 1, "resize by (\(scaleY), \(scaleX)) leaves no pixels of \(shape)")
        return resampled(along: 3, Tensor.resizeMap(inSize: shape[3], outSize: width, scale: scaleX, mode: mode))
            .resampled(along: 2, Tensor.resizeMap(inSize: shape[2], outSize: height, scale: scaleY, mode: mode))
    }

    /// One axis of a resize, with torch's float32 coordinate arithmetic.
    static func resizeMap(inSize: Int, outSize: Int, scale: Double?, mode: ResizeMode) -> AxisMap {
        // torch: 1/scale_factor when one was given, else in/out, as float.
        let ratio: Float = scale.map { Float(1 / $0) } ?? Float(inSize) / Float(outSize)
        switch mode {
        case .nearest:
            let entries = (0..<outSize).map { j -> [(Int, Float)] in
                let i: Int
                if outSize == inSize { i = j }
                else if outSize == 2 * inSize { i = j >> 1 }
                else { i = Swift.min(Int((Float(j) * ratio).rounded(.down)), inSize - 1) }
                return [(i, 1)]
            }
            return AxisMap(inSize: inSize, entries: entries)
        case .bilinear:
            let entries = (0..<outSize).map { j -> [(Int, Float)] in
                let source = Swift.max(ratio * (Float(j) + 0.5) - 0.5, 0)
                let i0 = Swift.min(Int(source.rounded(.down)), inSize - 1)
                let i1 = i0 < inSize - 1 ? i0 + 1 : i0
                let l1 = Swift.min(Swift.max(source - Float(i0), 0), 1)
                return [(i0, 1 - l1), (i1, l1)]
            }
            return AxisMap(inSize: inSize, entries: entries)
        }
    }
}
