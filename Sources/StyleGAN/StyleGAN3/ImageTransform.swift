import Foundation
import ToonCore

/// A translation and rotation of a StyleGAN3 image, as gen_images.py's `--translate` and
/// `--rotate`: the content moves by `translate` (in image widths: the input grid spans one unit
/// without its margin; +x right, +y down)
/// and turns by `rotateDegrees`. Equivariance makes this a camera move, not a resampled image.
public struct ImageTransform: Sendable, Equatable {
    /// Horizontal move, in image widths (+ right).
    public var translateX: Double
    /// Vertical move, in image heights (+ down).
    public var translateY: Double
    /// Rotation in degrees.
    public var rotateDegrees: Double

    /// A transform; the default is the identity.
    public init(translateX: Double = 0, translateY: Double = 0, rotateDegrees: Double = 0) {
        self.translateX = translateX
        self.translateY = translateY
        self.rotateDegrees = rotateDegrees
    }

    /// No move: what the network generates by itself.
    public static let identity = ImageTransform()

    /// The 3x3 matrix the input layer stores (row-major): the inverse of gen_images.py's
    /// make_transform, which maps image positions to the input's.
    var inputMatrix: [Float] {
        let angle = rotateDegrees / 180 * Double.pi
        let (s, c) = (sin(angle), cos(angle))
        let (tx, ty) = (translateX, translateY)
        // make_transform is [[c, s, tx], [-s, c, ty]]; a rotation's inverse is its transpose.
        let inverse = [c, -s, -(c * tx - s * ty), s, c, -(s * tx + c * ty), 0, 0, 1]
        return inverse.map { Float($0) }
    }
}

extension Generator {
    /// This generator with the user transform set (the input layer's `transform` buffer), so every
    /// image it makes is translated and rotated as `transform` says. StyleGAN3 only.
    public func transformed(_ transform: ImageTransform) throws(StyleGANError) -> Generator {
        guard config.isStyleGAN3 else {
            throw .config(.invalid("translate and rotate need a StyleGAN3 generator; this one is \(config.generation)"))
        }
        var copy = self
        copy.parameters.update("synthesis.input.transform", to: Tensor(shape: [3, 3], scalars: transform.inputMatrix))
        return copy
    }
}
