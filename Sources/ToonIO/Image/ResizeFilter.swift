import Foundation

/// Reconstruction filters for resizing. All are antialiased when downscaling: the kernel is widened
/// by the scale factor, as Pillow does, so every input pixel contributes.
public enum ResizeFilter: Sendable, Equatable, CaseIterable {
    /// Lanczos with a = 3: the sharpest here, slight ringing at hard edges. The default.
    case lanczos3
    /// Exact pixel-area averaging: each output pixel is the mean of the input area it covers.
    case area
    /// Keys' cubic convolution with a = -0.5 (Pillow's and Catmull-Rom-like bicubic).
    case bicubic

    /// Half-width of the kernel at scale 1, in input pixels.
    var support: Double {
        switch self {
        case .lanczos3: 3
        case .area: 0.5
        case .bicubic: 2
        }
    }

    /// The kernel at distance `x` (in kernel units); `area` is handled by overlap, not sampled.
    func weight(_ x: Double) -> Double {
        switch self {
        case .lanczos3:
            guard x > -3 && x < 3 else { return 0 }
            return Self.sinc(x) * Self.sinc(x / 3)
        case .area:
            return x >= -0.5 && x < 0.5 ? 1 : 0
        case .bicubic:
            let a = -0.5, t = abs(x)
            if t < 1 { return ((a + 2) * t - (a + 3)) * t * t + 1 }
            if t < 2 { return (((t - 5) * t + 8) * t - 4) * a }
            return 0
        }
    }

    private static func sinc(_ x: Double) -> Double {
        if x == 0 { return 1 }
        let px = Double.pi * x
        return sin(px) / px
    }
}
