/// The recipe's padding for a crop square that runs past the photo: NumPy's `reflect` padding (the
/// edge pixel not repeated), then towards the padded border a blend first into a Gaussian blur of
/// the picture and then into its per-channel median, so mirrored content fades out instead of
/// showing as a copy; rounded half to even and clipped to 8-bit codes, as the recipe's
/// `np.uint8(np.clip(np.rint(img), 0, 255))`.
enum ReflectionPad {
    /// NumPy's `reflect` index (period 2(n - 1)) for `i` in a line of `n`.
    static func reflect(_ i: Int, _ n: Int) -> Int {
        if n == 1 { return 0 }
        let period = 2 * (n - 1)
        var j = i % period
        if j < 0 { j += period }
        return j < n ? j : period - j
    }

    /// `pad` is (left, top, right, bottom), each at least 1; `qsize` the crop square's side here.
    static func pad(_ codes: RGBCodes, left: Int, top: Int, right: Int, bottom: Int, qsize: Double) -> RGBCodes {
        let w = codes.width + left + right, h = codes.height + top + bottom
        let xs = (0..<w).map { reflect($0 - left, codes.width) }
        let ys = (0..<h).map { reflect($0 - top, codes.height) }
        var padded = [Float](repeating: 0, count: 3 * w * h)
        for c in 0..<3 {
            for y in 0..<h {
                let source = (c * codes.height + ys[y]) * codes.width, row = (c * h + y) * w
                for x in 0..<w { padded[row + x] = codes.values[source + xs[x]] }
            }
        }
        var image = RGBCodes(width: w, height: h, values: padded)
        let blurred = GaussianBlur.blur(image, sigma: qsize * 0.02)

        // 0 inside the original picture, rising to 1 at the padded border (in float32, as NumPy has it).
        var mask = [Float](repeating: 0, count: w * h)
        let (l, t, r, b) = (Float(max(left, 1)), Float(max(top, 1)), Float(max(right, 1)), Float(max(bottom, 1)))
        for y in 0..<h {
            let vertical = 1 - min(Float(y) / t, Float(h - 1 - y) / b)
            for x in 0..<w { mask[y * w + x] = max(1 - min(Float(x) / l, Float(w - 1 - x) / r), vertical) }
        }
        let plane = w * h
        for c in 0..<3 {
            for i in 0..<plane {
                let k = c * plane + i
                image.values[k] += (blurred.values[k] - image.values[k]) * min(max(mask[i] * 3 + 1, 0), 1)
            }
        }
        for c in 0..<3 {
            let median = Self.median(image.values[(c * plane)..<((c + 1) * plane)])
            for i in 0..<plane {
                let k = c * plane + i
                image.values[k] += (median - image.values[k]) * min(max(mask[i], 0), 1)
            }
        }
        for k in image.values.indices { image.values[k] = min(255, max(0, image.values[k].rounded(.toNearestOrEven))) }
        return image
    }

    /// `np.median` of float32 values: the middle one, or the float32 mean of the middle two.
    static func median(_ values: ArraySlice<Float>) -> Float {
        let sorted = values.sorted()
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}
