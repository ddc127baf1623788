/// The scaled rotation `[[a, -b], [b, a]]` that best maps one point set onto another in the least
/// squares sense, as dlib's `find_similarity_transform` (Umeyama's method) gives it; only its 2x2
/// part, which is all the shape predictor uses.
struct SimilarityTransform: Equatable, Sendable {
    var a: Double
    var b: Double

    /// Between two shapes stored as x, y pairs of equal length. dlib computes the rotation from a 2x2
    /// SVD; in two dimensions Umeyama's solution has the closed form used here (the optimal angle is
    /// atan2(c10 - c01, c00 + c11) of the cross-covariance c, and scale times rotation is that vector
    /// over the source variance), which agrees with the SVD to double rounding, far below the float
    /// the predictor casts it to.
    init(from source: [Float], to target: [Float]) {
        let n = source.count / 2
        var meanSource = (x: 0.0, y: 0.0), meanTarget = (x: 0.0, y: 0.0)
        for i in 0..<n {
            meanSource.x += Double(source[2 * i]); meanSource.y += Double(source[2 * i + 1])
            meanTarget.x += Double(target[2 * i]); meanTarget.y += Double(target[2 * i + 1])
        }
        meanSource = (meanSource.x / Double(n), meanSource.y / Double(n))
        meanTarget = (meanTarget.x / Double(n), meanTarget.y / Double(n))
        var variance = 0.0, c00 = 0.0, c01 = 0.0, c10 = 0.0, c11 = 0.0
        for i in 0..<n {
            let sx = Double(source[2 * i]) - meanSource.x, sy = Double(source[2 * i + 1]) - meanSource.y
            let tx = Double(target[2 * i]) - meanTarget.x, ty = Double(target[2 * i + 1]) - meanTarget.y
            variance += sx * sx + sy * sy
            c00 += tx * sx; c01 += tx * sy
            c10 += ty * sx; c11 += ty * sy
        }
        // dlib uses scale 1 when the source has no spread; a shape never lacks it.
        guard variance > 0 else {
            self.a = 1
            self.b = 0
            return
        }
        self.a = (c00 + c11) / variance
        self.b = (c10 - c01) / variance
    }

    init(a: Double, b: Double) {
        self.a = a
        self.b = b
    }
}
