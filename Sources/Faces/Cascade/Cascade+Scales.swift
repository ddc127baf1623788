extension Cascade {
    /// One level of the image pyramid: the image shrunk by `scale`, scanned every `step` pixels.
    struct Level: Sendable, Equatable {
        /// OpenCV keeps the factor as a float; boxes are mapped back with it.
        var scale: Float
        /// The shrunk image's size: `cvRound(image / scale)`, divided in float.
        var width: Int
        var height: Int
        /// 2 below scale 2, 1 from there (OpenCV's `ystep = sc >= 2 ? 1 : 2`): the shrunk image is
        /// coarse enough then that every position counts.
        var step: Int
        /// Window rows scanned: origins y < this. See `stripeLimits`.
        var scannedRows = 0
    }

    /// The pyramid `detectMultiScale` scans (cascadedetect.cpp, detectMultiScaleNoGrouping): factors
    /// 1, f, f^2, ... in double while the scaled window (rounded) fits the image and `maxSize`, skipping
    /// those whose window is smaller than `minSize`. A zero `maxSize` dimension means the image size.
    func levels(imageWidth: Int, imageHeight: Int, scaleFactor: Double,
                minSize: (width: Int, height: Int), maxSize: (width: Int, height: Int)) -> [Level] {
        precondition(scaleFactor > 1 && scaleFactor.isFinite, "scaleFactor \(scaleFactor) must be finite and above 1")
        let maxSize = maxSize.width == 0 || maxSize.height == 0 ? (width: imageWidth, height: imageHeight) : maxSize
        var levels: [Level] = []
        var factor = 1.0
        while true {
            defer { factor *= scaleFactor }
            // A window past the image ends the pyramid before its size is made an Int (which a huge
            // factor would overflow); OpenCV stops at the same factor.
            if Double(windowWidth) * factor > Double(imageWidth) + 0.5 || Double(windowHeight) * factor > Double(imageHeight) + 0.5 { break }
            let window = (width: cvRound(Double(windowWidth) * factor), height: cvRound(Double(windowHeight) * factor))
            if window.width > maxSize.width || window.height > maxSize.height
                || window.width > imageWidth || window.height > imageHeight { break }
            if window.width < minSize.width || window.height < minSize.height { continue }
            let scale = Float(factor)
            let level = Level(scale: scale, width: cvRound(Float(imageWidth) / scale),
                              height: cvRound(Float(imageHeight) / scale), step: scale >= 2 ? 1 : 2)
            // Only a 1-pixel window on a 1-pixel image could round a level away; OpenCV would assert.
            if level.width >= 1 && level.height >= 1 { levels.append(level) }
        }
        return stripeLimits(levels)
    }

    /// OpenCV scans each level in `n` horizontal stripes, n = ceil(first level's window columns / 32),
    /// of `max((rows / step + n - 1) / n, 1) * step` rows each. The integer division drops the last
    /// row where the row count is odd and the step 2, and the stripes then stop short of it; the
    /// same rows are left out here, or OpenCV's boxes could not be reproduced.
    private func stripeLimits(_ levels: [Level]) -> [Level] {
        guard let first = levels.first else { return levels }
        let stripes = Int((Double(max(first.width + 1 - windowWidth, 0)) / 32).rounded(.up))
        return levels.map { level in
            var level = level
            let rows = max(level.height + 1 - windowHeight, 0)
            let stripeRows = stripes == 0 ? 0 : max((rows / level.step + stripes - 1) / stripes, 1) * level.step
            level.scannedRows = min(stripes * stripeRows, rows)
            return level
        }
    }
}
