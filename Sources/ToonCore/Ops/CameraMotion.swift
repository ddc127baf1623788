import Foundation

/// A small random camera move of square images: a rotation, a shift and a zoom, the zoom never less
/// than what keeps the picture covering the frame (no empty border). Teacher pairs get one per pair
/// (the same for both images); a stylizer's temporal loss asks the student to commute with one.
public struct CameraMotion: Sendable, Equatable, Codable {
    /// Largest rotation either way, in degrees.
    public var rotation: Double
    /// Largest shift along each axis, as a fraction of the side.
    public var shift: Double
    /// Largest zoom beyond the least that covers the frame (0.1: up to 10% more).
    public var zoom: Double

    /// Rotation up to 45 degrees, shift below 0.25 (a larger one would leave too little picture).
    public init(rotation: Double, shift: Double, zoom: Double) {
        precondition((0...45).contains(rotation) && (0..<0.25).contains(shift) && zoom >= 0,
                     "camera motion: rotation 0...45 degrees, shift 0..<0.25, zoom >= 0")
        self.rotation = rotation
        self.shift = shift
        self.zoom = zoom
    }

    /// No motion.
    public static let none = CameraMotion(rotation: 0, shift: 0, zoom: 0)

    public var isNone: Bool { rotation == 0 && shift == 0 && zoom == 0 }

    /// torch's affine_grid matrix (output to input, normalised coordinates) for one draw of `random`,
    /// for images `side` pixels wide.
    public func theta(_ random: inout SplitMix64, side: Int) -> [Double] {
        func uniform(_ bound: Double) -> Double { bound * (2 * Double(random.next() >> 11) / Double(1 << 53) - 1) }
        let angle = uniform(rotation) * .pi / 180
        let (tx, ty) = (2 * uniform(shift), 2 * uniform(shift))
        // The corner pixels' centres e(±1, ±1), e = 1 - 1/side, land at R e(±1, ±1)/z + t; bilinear taps
        // stay inside the picture when that is within e: z >= e (|cos| + |sin|) / (e - |t|).
        let edge = 1 - 1 / Double(side)
        let cover = edge * (abs(cos(angle)) + abs(sin(angle))) / (edge - max(abs(tx), abs(ty)))
        let z = cover * (1 + abs(uniform(zoom)))
        let (c, s) = (cos(angle) / z, sin(angle) / z)
        return [c, -s, tx, s, c, ty]
    }

    /// `images` [N, C, R, R] warped by `theta` (one matrix per image); differentiable in the images.
    public static func warp(_ images: Tensor, theta: [[Double]]) -> Tensor {
        let side = images.shape[2]
        return images.gridSampled(BilinearGrid(affine: theta, inHeight: side, inWidth: side, outHeight: side, outWidth: side))
    }
}
