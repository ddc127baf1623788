import Faces
import Foundation

/// The FFHQ crop square of a face as a centre and a half-side vector `axis` (pointing right along
/// the face): corners centre -/+ axis -/+ its quarter turn. Four numbers, so smoothing one is
/// smoothing four signals, and the square stays a square whatever the smoothing does.
public struct FaceSquare: Sendable, Equatable {
    /// Centre, in frame pixel coordinates with pixel centres at whole numbers.
    public var centre: FacePoint
    /// Half the side, along the face's left-to-right direction.
    public var axis: FacePoint

    /// A square from its centre and half-side vector.
    public init(centre: FacePoint, axis: FacePoint) {
        self.centre = centre
        self.axis = axis
    }

    /// The recipe's square for 68 landmarks (`FFHQAlignment.quad`).
    public init(landmarks: [FacePoint]) {
        let quad = FFHQAlignment.quad(landmarks: landmarks)
        // quad: top-left, bottom-left, bottom-right, top-right = c - x - y, c - x + y, c + x + y, c + x - y.
        centre = FacePoint(x: (quad[0].x + quad[2].x) / 2, y: (quad[0].y + quad[2].y) / 2)
        axis = FacePoint(x: (quad[3].x - quad[0].x) / 2, y: (quad[3].y - quad[0].y) / 2)
    }

    /// The quarter turn of `axis`: half the side, pointing down the face.
    public var down: FacePoint { FacePoint(x: -axis.y, y: axis.x) }

    /// The side length in pixels.
    public var side: Double { 2 * hypot(axis.x, axis.y) }

    /// The frame point shown at the square's (u, v), both 0...1 from its top-left corner.
    public func point(u: Double, v: Double) -> FacePoint {
        let a = 2 * u - 1, b = 2 * v - 1
        return FacePoint(x: centre.x + a * axis.x + b * down.x, y: centre.y + a * axis.y + b * down.y)
    }

    /// The square's (u, v) of a frame point (the inverse of `point`); nil for a square of no size.
    public func unit(of p: FacePoint) -> (u: Double, v: Double)? {
        let norm = axis.x * axis.x + axis.y * axis.y
        guard norm > 1e-12 else { return nil }
        let dx = p.x - centre.x, dy = p.y - centre.y
        // axis and down are orthogonal and equally long: projections give the coordinates.
        let a = (dx * axis.x + dy * axis.y) / norm, b = (dx * down.x + dy * down.y) / norm
        return ((a + 1) / 2, (b + 1) / 2)
    }
}

/// A one-euro filter on each of a `FaceSquare`'s four numbers, in pixels. The speed term is
/// measured in sides a second, so the same settings suit a face near the camera and one far away.
public struct FaceSquareSmoother: Sendable {
    private var filters: [OneEuroFilter]
    private let beta: Double

    /// `minCutoff` Hz at rest, rising by `beta` Hz per side a second of motion.
    public init(minCutoff: Double, beta: Double) {
        self.beta = beta
        filters = Array(repeating: OneEuroFilter(minCutoff: minCutoff, beta: beta), count: 4)
    }

    /// The smoothed square after `square`, `interval` seconds after the last one.
    public mutating func smooth(_ square: FaceSquare, interval: Double) -> FaceSquare {
        let raw = [square.centre.x, square.centre.y, square.axis.x, square.axis.y]
        let perPixel = beta / max(square.side, 1)
        let out = (0..<4).map { k in
            filters[k].beta = perPixel
            return filters[k].filter(raw[k], interval: interval)
        }
        return FaceSquare(centre: FacePoint(x: out[0], y: out[1]), axis: FacePoint(x: out[2], y: out[3]))
    }
}
