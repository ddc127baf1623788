import Foundation

/// `scipy.ndimage.gaussian_filter(planes, [sigma, sigma, 0])` on float32 planes: a 1-D Gaussian
/// truncated at 4 sigma (radius `Int(4 sigma + 0.5)`), normalised, correlated along the rows' axis
/// then the columns' axis in double and stored as float between the passes, with scipy's default
/// `reflect` edges (d c b a | a b c d | d c b a).
enum GaussianBlur {
    static func taps(sigma: Double) -> [Double] {
        let radius = Int(4 * sigma + 0.5)
        let raw = (-radius...radius).map { exp(-0.5 * Double($0 * $0) / (sigma * sigma)) }
        let sum = raw.reduce(0, +)
        return raw.map { $0 / sum }
    }

    /// scipy's `reflect` index for `i` in a line of `n`, for any distance outside it.
    static func reflect(_ i: Int, _ n: Int) -> Int {
        if n == 1 { return 0 }
        let period = 2 * n
        var j = i % period
        if j < 0 { j += period }
        return j < n ? j : period - 1 - j
    }

    static func blur(_ codes: RGBCodes, sigma: Double) -> RGBCodes {
        guard sigma > 1e-15 else { return codes }
        let taps = taps(sigma: sigma), radius = taps.count / 2
        let w = codes.width, h = codes.height
        var columns = [Float](repeating: 0, count: codes.values.count)
        // Along y (scipy's axis 0) first.
        let rowIndex = (0..<h).map { y in (-radius...radius).map { reflect(y + $0, h) } }
        codes.values.withUnsafeBufferPointer { input in
            columns.withUnsafeMutableBufferPointer { out in
                for c in 0..<3 {
                    let base = c * w * h
                    for y in 0..<h {
                        let rows = rowIndex[y]
                        for x in 0..<w {
                            var sum = 0.0
                            for k in 0..<taps.count { sum += taps[k] * Double(input[base + rows[k] * w + x]) }
                            out[base + y * w + x] = Float(sum)
                        }
                    }
                }
            }
        }
        var result = [Float](repeating: 0, count: codes.values.count)
        let columnIndex = (0..<w).map { x in (-radius...radius).map { reflect(x + $0, w) } }
        columns.withUnsafeBufferPointer { input in
            result.withUnsafeMutableBufferPointer { out in
                for r in 0..<(3 * h) {
                    let row = r * w
                    for x in 0..<w {
                        let cols = columnIndex[x]
                        var sum = 0.0
                        for k in 0..<taps.count { sum += taps[k] * Double(input[row + cols[k]]) }
                        out[row + x] = Float(sum)
                    }
                }
            }
        }
        return RGBCodes(width: w, height: h, values: result)
    }
}
