import Foundation

/// A small dense matrix in Double (3x3 homogeneous 2-D maps, 4x4 homogeneous colour maps).
struct SquareMatrix: Equatable, Sendable {
    let size: Int
    var values: [Double]   // row-major

    init(size: Int, _ values: [Double]) {
        precondition(values.count == size * size)
        self.size = size
        self.values = values
    }

    static func identity(_ size: Int) -> Self {
        Self(size: size, (0..<(size * size)).map { $0 / size == $0 % size ? 1 : 0 })
    }

    subscript(row: Int, column: Int) -> Double { values[row * size + column] }

    static func * (a: Self, b: Self) -> Self {
        let n = a.size
        return Self(size: n, (0..<(n * n)).map { e in (0..<n).reduce(0) { $0 + a[e / n, $1] * b[$1, e % n] } })
    }

    // 2-D homogeneous maps (NVLabs' translate2d, scale2d, rotate2d).
    static func translate2d(_ x: Double, _ y: Double) -> Self { Self(size: 3, [1, 0, x, 0, 1, y, 0, 0, 1]) }
    static func scale2d(_ x: Double, _ y: Double) -> Self { Self(size: 3, [x, 0, 0, 0, y, 0, 0, 0, 1]) }
    static func rotate2d(_ theta: Double) -> Self {
        Self(size: 3, [cos(theta), -sin(theta), 0, sin(theta), cos(theta), 0, 0, 0, 1])
    }
}

/// ADA's per-image matrices, composed in NVLabs' order.
extension AugmentParameters {
    /// The inverse geometric map (output pixel -> input pixel, centred pixel coordinates) of an image
    /// `width` x `height`: NVLabs' G_inv, built by right-multiplying each transform's inverse.
    func geometricInverse(width: Int, height: Int) -> SquareMatrix {
        var g = SquareMatrix.identity(3)
        g = g * .scale2d(1 / Double(1 - 2 * xflip), 1)
        g = g * .rotate2d(Double.pi / 2 * Double(rotate90))
        // torch.round rounds halves to even.
        g = g * .translate2d(-(xint.x * Double(width)).rounded(.toNearestOrEven),
                             -(xint.y * Double(height)).rounded(.toNearestOrEven))
        g = g * .scale2d(1 / scale, 1 / scale)
        g = g * .rotate2d(rotateBefore)
        g = g * .scale2d(1 / aniso, aniso)
        g = g * .rotate2d(rotateAfter)
        g = g * .translate2d(-xfrac.x * Double(width), -xfrac.y * Double(height))
        return g
    }

    /// The colour map (colour in -> colour out, homogeneous RGB): NVLabs' C, built by left-multiplying.
    var colorMatrix: SquareMatrix {
        let v = [1, 1, 1, 0].map { $0 / 3.0.squareRoot() }   // the grey (luma) axis
        let vv = SquareMatrix(size: 4, (0..<16).map { v[$0 / 4] * v[$0 % 4] })
        let identity = SquareMatrix.identity(4)
        var c = identity
        c = SquareMatrix(size: 4, [1, 0, 0, brightness, 0, 1, 0, brightness, 0, 0, 1, brightness, 0, 0, 0, 1]) * c
        c = SquareMatrix(size: 4, [contrast, 0, 0, 0, 0, contrast, 0, 0, 0, 0, contrast, 0, 0, 0, 0, 1]) * c
        c = SquareMatrix(size: 4, zip(identity.values, vv.values).map { $0 - 2 * $1 * Double(lumaflip) }) * c   // Householder
        c = Self.rotation(about: v, hue) * c
        c = SquareMatrix(size: 4, zip(identity.values, vv.values).map { $1 + ($0 - $1) * saturation }) * c
        return c
    }

    /// Rotation by `theta` about the unit axis `v` (Rodrigues), homogeneous 4x4.
    private static func rotation(about v: [Double], _ theta: Double) -> SquareMatrix {
        let (x, y, z) = (v[0], v[1], v[2]), s = sin(theta), c = cos(theta), cc = 1 - c
        return SquareMatrix(size: 4, [x * x * cc + c, x * y * cc - z * s, x * z * cc + y * s, 0,
                                      y * x * cc + z * s, y * y * cc + c, y * z * cc - x * s, 0,
                                      z * x * cc - y * s, z * y * cc + x * s, z * z * cc + c, 0,
                                      0, 0, 0, 1])
    }
}
