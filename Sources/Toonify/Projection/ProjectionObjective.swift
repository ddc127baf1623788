import ToonMetrics
import ToonCore
import ToonNN

/// What the projector minimises between its image and the target, both at most 256 px (larger
/// images are box-averaged down first, as NVLabs' projector does with `mode='area'`).
public enum ProjectionObjective: Sendable {
    /// LPIPS-VGG16 (NVLabs' choice): the distance of the image's features from the target's.
    case lpips(LPIPS)
    /// Without VGG16 weights: mean squared error in [-1, 1] plus 1 - MS-SSIM. Much weaker on
    /// photographs than LPIPS; fine for images the network made itself.
    case pixelAndMultiScaleSSIM

    /// A short name for logs and docs.
    public var name: String {
        switch self {
        case .lpips: "LPIPS-VGG16"
        case .pixelAndMultiScaleSSIM: "pixel MSE + (1 - MS-SSIM)"
        }
    }

    /// The target, prepared once: [1, 3, R, R] in [-1, 1].
    public func prepare(target: Tensor) -> PreparedTarget {
        let image = Self.atMost256(target)
        switch self {
        case .lpips(let lpips): return PreparedTarget(objective: self, image: image, features: lpips.features(image))
        case .pixelAndMultiScaleSSIM: return PreparedTarget(objective: self, image: image, features: [])
        }
    }

    /// NVLabs' `F.interpolate(x, size=(256, 256), mode='area')` for square power-of-two sides above 256.
    static func atMost256(_ x: Tensor) -> Tensor {
        let side = x.shape[2]
        guard side > 256 else { return x }
        precondition(side % 256 == 0 && x.shape[3] == side, "the area downsample takes square multiples of 256 px, not \(x.shape)")
        return x.avgPool2d(kernel: side / 256)
    }
}

/// A target with what the objective computes from it once.
public struct PreparedTarget: Sendable {
    public let objective: ProjectionObjective
    /// At most 256 px, in [-1, 1].
    public let image: Tensor
    /// LPIPS features of `image` (empty for the pixel objective).
    let features: [Tensor]

    /// The distance (a scalar, differentiable in `synthesized`) of a synthesized image [1, 3, R, R].
    public func distance(_ synthesized: Tensor) -> Tensor {
        let x = ProjectionObjective.atMost256(synthesized)
        switch objective {
        case .lpips(let lpips):
            return lpips.distance(lpips.features(x), features).sum()
        case .pixelAndMultiScaleSSIM:
            let squared = (x - image).square().mean()
            return squared + (1 - MultiScaleSSIM(dataRange: 2)(x, image).mean())
        }
    }
}
