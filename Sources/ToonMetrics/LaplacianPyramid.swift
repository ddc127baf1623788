/// The Laplacian pyramid of Karras et al.'s sliced Wasserstein metric (cv2.pyrDown / pyrUp with the
/// 5x5 binomial filter, mirrored edges): level 0 holds the finest detail, the last level the blurred
/// remainder. Planes are [C][H][W] Float in 0...255.
struct LaplacianPyramid {
    /// 1 4 6 4 1, normalised to 1 per dimension (separable form of the 5x5 filter / 256).
    static let taps: [Float] = [1, 4, 6, 4, 1].map { $0 / 16 }

    /// `levels` planes of sizes R, R/2, ...
    static func levels(of image: [Float], channels: Int, size: Int, count: Int) -> [(pixels: [Float], size: Int)] {
        var pyramid: [(pixels: [Float], size: Int)] = [(image, size)]
        for _ in 1..<count {
            let (finer, n) = pyramid[pyramid.count - 1]
            let coarse = down(finer, channels: channels, size: n)
            let up = up(coarse, channels: channels, size: n / 2)
            pyramid[pyramid.count - 1] = (zip(finer, up).map { $0 - $1 }, n)
            pyramid.append((coarse, n / 2))
        }
        return pyramid
    }

    /// scipy.ndimage 'mirror' boundary: reflect about the edge pixel (d c b | a b c d | c b a).
    @inline(__always) static func mirror(_ i: Int, _ n: Int) -> Int {
        guard n > 1 else { return 0 }
        let period = 2 * (n - 1)
        var j = i % period
        if j < 0 { j += period }
        return j < n ? j : period - j
    }

    /// Blur with the 5x5 filter (times `gain`), mirrored edges, separable.
    static func blur(_ x: [Float], channels: Int, size n: Int, gain: Float) -> [Float] {
        var rows = [Float](repeating: 0, count: x.count), out = rows
        for c in 0..<channels {
            let base = c * n * n
            for y in 0..<n {
                for xx in 0..<n {
                    var acc: Float = 0
                    for k in 0..<5 { acc += taps[k] * x[base + y * n + mirror(xx + k - 2, n)] }
                    rows[base + y * n + xx] = acc
                }
            }
            for y in 0..<n {
                for xx in 0..<n {
                    var acc: Float = 0
                    for k in 0..<5 { acc += taps[k] * rows[base + mirror(y + k - 2, n) * n + xx] }
                    out[base + y * n + xx] = acc * gain
                }
            }
        }
        return out
    }

    /// pyrDown: blur, keep even rows and columns.
    static func down(_ x: [Float], channels: Int, size n: Int) -> [Float] {
        let blurred = blur(x, channels: channels, size: n, gain: 1)
        let m = n / 2
        var out = [Float](repeating: 0, count: channels * m * m)
        for c in 0..<channels {
            for y in 0..<m { for xx in 0..<m { out[(c * m + y) * m + xx] = blurred[(c * n + 2 * y) * n + 2 * xx] } }
        }
        return out
    }

    /// pyrUp: zeros between samples, blur with gain 4.
    static func up(_ x: [Float], channels: Int, size m: Int) -> [Float] {
        let n = m * 2
        var spread = [Float](repeating: 0, count: channels * n * n)
        for c in 0..<channels {
            for y in 0..<m { for xx in 0..<m { spread[(c * n + 2 * y) * n + 2 * xx] = x[(c * m + y) * m + xx] } }
        }
        return blur(spread, channels: channels, size: n, gain: 4)
    }
}
