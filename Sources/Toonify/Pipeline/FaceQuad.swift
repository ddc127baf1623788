import Faces

/// Where an aligned face came from: the photo positions of its square's corners, in the order
/// NVLabs' FFHQ recipe hands them to PIL's QUAD transform (top-left, bottom-left, bottom-right,
/// top-right), in photo coordinates whose whole numbers are pixel edges (pixel (i, j) spans i...i+1,
/// j...j+1). The recipe's quads are parallelograms, so the map between the square and the photo is
/// affine; it is taken through the top-left, top-right and bottom-left corners.
public struct FaceQuad: Sendable, Equatable {
    public var topLeft: (x: Double, y: Double)
    public var bottomLeft: (x: Double, y: Double)
    public var bottomRight: (x: Double, y: Double)
    public var topRight: (x: Double, y: Double)

    public init(topLeft: (x: Double, y: Double), bottomLeft: (x: Double, y: Double),
                bottomRight: (x: Double, y: Double), topRight: (x: Double, y: Double)) {
        self.topLeft = topLeft
        self.bottomLeft = bottomLeft
        self.bottomRight = bottomRight
        self.topRight = topRight
    }

    public static func == (a: FaceQuad, b: FaceQuad) -> Bool {
        [a.topLeft, a.bottomLeft, a.bottomRight, a.topRight].elementsEqual([b.topLeft, b.bottomLeft, b.bottomRight, b.topRight]) {
            $0.x == $1.x && $0.y == $1.y
        }
    }

    /// The photo position of the square's point (u, v), both in 0...1 (u across, v down).
    public func photoPoint(u: Double, v: Double) -> (x: Double, y: Double) {
        (topLeft.x + u * (topRight.x - topLeft.x) + v * (bottomLeft.x - topLeft.x),
         topLeft.y + u * (topRight.y - topLeft.y) + v * (bottomLeft.y - topLeft.y))
    }

    /// The square's (u, v) of a photo position, or nil when the quad is degenerate.
    public func squarePoint(x: Double, y: Double) -> (u: Double, v: Double)? {
        let (ax, ay) = (topRight.x - topLeft.x, topRight.y - topLeft.y)
        let (bx, by) = (bottomLeft.x - topLeft.x, bottomLeft.y - topLeft.y)
        let determinant = ax * by - ay * bx
        guard abs(determinant) > 1e-12 else { return nil }
        let (dx, dy) = (x - topLeft.x, y - topLeft.y)
        return ((dx * by - dy * bx) / determinant, (ax * dy - ay * dx) / determinant)
    }
}


extension FaceQuad {
    /// The square of an aligned face `side` pixels wide, from its alignment. FaceQuad puts pixel
    /// edges at whole numbers; the alignment puts pixel centres there, hence the half-pixel shift.
    public init(_ transform: AlignmentTransform, side: Int) {
        let s = Double(side), o = transform.origin, dx = transform.xStep, dy = transform.yStep
        func corner(_ u: Double, _ v: Double) -> (x: Double, y: Double) {
            (o.x + u * s * dx.x + v * s * dy.x + 0.5, o.y + u * s * dx.y + v * s * dy.y + 0.5)
        }
        self.init(topLeft: corner(0, 0), bottomLeft: corner(0, 1), bottomRight: corner(1, 1), topRight: corner(1, 0))
    }
}
