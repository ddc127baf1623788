/// Haar features of one pyramid level (cascadedetect.cpp's HaarEvaluator): each feature's rectangle
/// corners as offsets into that level's integral images, so a window costs four reads a rectangle.
struct HaarEvaluator {
    let cascade: Cascade
    /// 12 per feature: 4 corners of each of 3 rectangles. Tilted features point into the tilted sum.
    let offsets: [Int]
    /// 3 per feature.
    let weights: [Float]
    /// Corners of the normalisation rectangle: the window less a 1-pixel border.
    let norm: (Int, Int, Int, Int)
    let normArea: Double

    init(cascade: Cascade, features: [Cascade.HaarFeature], stride: Int, tiltedOffset: Int) {
        self.cascade = cascade
        var offsets: [Int] = []
        var weights: [Float] = []
        offsets.reserveCapacity(features.count * 12)
        for feature in features {
            for r in feature.rectangles {
                let (x, y, w, h) = (Int(r.x), Int(r.y), Int(r.width), Int(r.height))
                if feature.tilted {
                    // Corners (x, y), (x - h, y + h), (x + w, y + w), (x + w - h, y + w + h): OpenCV's CV_TILTED_OFS.
                    offsets += [x + stride * y, x - h + stride * (y + h), x + w + stride * (y + w),
                                x + w - h + stride * (y + w + h)].map { $0 + tiltedOffset }
                } else {
                    offsets += [x + stride * y, x + w + stride * y, x + stride * (y + h), x + w + stride * (y + h)]
                }
                weights.append(r.weight)
            }
        }
        self.offsets = offsets
        self.weights = weights
        let (w, h) = (cascade.windowWidth - 2, cascade.windowHeight - 2)
        norm = (1 + stride, 1 + w + stride, 1 + stride * (1 + h), 1 + w + stride * (1 + h))
        normArea = Double(w * h)
    }

    /// 1 when every stage accepts the window at `origin`, -s when stage s rejects it, and -1 when the
    /// window is too flat to normalise (OpenCV's setWindow fails and the scan moves on).
    func classify(at origin: Int, sums: UnsafePointer<Int32>, squares: UnsafePointer<Int32>) -> Int {
        let p = sums + origin, q = squares + origin
        let sum = p[norm.0] &- p[norm.1] &- p[norm.2] &+ p[norm.3]
        // The squared sum wraps in 32 bits; the window's own total fits, read unsigned.
        let squareSum = UInt32(bitPattern: q[norm.0] &- q[norm.1] &- q[norm.2] &+ q[norm.3])
        var spread = normArea * Double(squareSum) - Double(sum) * Double(sum)
        guard spread > 0 else { return -1 }
        spread = spread.squareRoot()
        let normaliser = Float(1 / spread)
        guard normArea * Double(normaliser) < 1e-1 else { return -1 }
        return offsets.withUnsafeBufferPointer { offsets in
            weights.withUnsafeBufferPointer { weights in
                cascade.evaluateStages { _, node in
                    let f = Int(node.feature), o = 12 * f, w = 3 * f
                    // In float, as OpenCV: weight times the integer rectangle sum, summed, then normalised.
                    var value = weights[w] * Float(p[offsets[o]] &- p[offsets[o + 1]] &- p[offsets[o + 2]] &+ p[offsets[o + 3]])
                        + weights[w + 1] * Float(p[offsets[o + 4]] &- p[offsets[o + 5]] &- p[offsets[o + 6]] &+ p[offsets[o + 7]])
                    if weights[w + 2] != 0 {
                        value += weights[w + 2]
                            * Float(p[offsets[o + 8]] &- p[offsets[o + 9]] &- p[offsets[o + 10]] &+ p[offsets[o + 11]])
                    }
                    return value * normaliser < node.threshold
                }
            }
        }
    }
}
