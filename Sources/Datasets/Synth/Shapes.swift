/// Signed distances (negative inside) of the few shapes faces are drawn from, in frame units.
/// The renderer turns a distance into pixel coverage analytically, so edges are anti-aliased
/// without supersampling. Ellipse and curve distances are first-order approximations: exact on the
/// boundary, which is the only place coverage depends on them.
enum Shapes {
    /// Ellipse centred at the origin with radii `rx`, `ry`.
    @inline(__always)
    static func ellipse(_ x: Float, _ y: Float, _ rx: Float, _ ry: Float) -> Float {
        let ux = x / rx, uy = y / ry
        let k0 = (ux * ux + uy * uy).squareRoot()
        let k1 = (ux * ux / (rx * rx) + uy * uy / (ry * ry)).squareRoot()
        if k1 < 1e-7 { return -min(rx, ry) }
        return k0 * (k0 - 1) / k1
    }

    /// Box centred at the origin with half sizes `hx`, `hy` and corners rounded by `r`.
    @inline(__always)
    static func box(_ x: Float, _ y: Float, _ hx: Float, _ hy: Float, _ r: Float) -> Float {
        let qx = abs(x) - hx + r, qy = abs(y) - hy + r
        let ox = max(qx, 0), oy = max(qy, 0)
        return (ox * ox + oy * oy).squareRoot() + min(max(qx, qy), 0) - r
    }

    /// A stroke of half-thickness `t` along y = a x^2 + b for |x| <= `length`, with round ends;
    /// `taper` thins it towards the ends (0 none, 1 to a point).
    @inline(__always)
    static func curve(_ x: Float, _ y: Float, a: Float, b: Float, length: Float, t: Float, taper: Float = 0) -> Float {
        let xc = min(max(x, -length), length)
        let u = xc / length
        let thickness = t * (1 - taper * u * u)
        let cy = a * xc * xc + b
        if abs(x) <= length {
            let slope = 2 * a * x
            return abs(y - cy) / (1 + slope * slope).squareRoot() - thickness
        }
        let dx = x - xc, dy = y - cy
        return (dx * dx + dy * dy).squareRoot() - thickness
    }

    /// (x, y) turned by the angle whose cosine and sine are given.
    @inline(__always)
    static func rotate(_ x: Float, _ y: Float, cos c: Float, sin s: Float) -> (Float, Float) {
        (c * x - s * y, s * x + c * y)
    }

    /// Triangle wave with period 1: 0 at integers, 1 half way.
    @inline(__always)
    static func triangle(_ v: Float) -> Float {
        let f = v - v.rounded(.down)
        return 1 - abs(2 * f - 1)
    }

    @inline(__always)
    static func smoothstep(_ e0: Float, _ e1: Float, _ x: Float) -> Float {
        let t = min(max((x - e0) / (e1 - e0), 0), 1)
        return t * t * (3 - 2 * t)
    }
}
