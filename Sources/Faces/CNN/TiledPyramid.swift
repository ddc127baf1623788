import ToonCore

/// Where each output row or column of dlib's bilinear resize (corners to corners) reads: output
/// index i samples the input at i * (in - 1) / (out - 1), between `low` and `high` at `fraction`.
struct BilinearSteps {
    var low: [Int], high: [Int], fraction: [Float]

    init(from input: Int, to output: Int) {
        let scale = Double(input - 1) / Double(max(output - 1, 1))
        low = []; high = []; fraction = []
        for i in 0..<output {
            let position = Double(i) * scale
            let l = Int(position.rounded(.down))
            low.append(l)
            high.append(min(l + 1, input - 1))
            fraction.append(Float(position - Double(l)))
        }
    }
}

/// dlib's tiled image pyramid (`create_tiled_pyramid` with `pyramid_down<6>`): the photo and
/// each smaller copy, 5/6 the size of the one before, laid out in one image so the network scans
/// every scale in one pass. The big levels go down the left column; the rest climb back up the
/// right side, beside them.
struct TiledPyramid: Equatable {
    /// One level's place in the tiled image.
    struct Level: Equatable {
        var left: Int, top: Int, width: Int, height: Int
        var right: Int { left + width - 1 }
        var bottom: Int { top + height - 1 }

        func contains(x: Int, y: Int) -> Bool { x >= left && x <= right && y >= top && y <= bottom }
        func intersects(_ other: Level) -> Bool {
            max(left, other.left) <= min(right, other.right) && max(top, other.top) <= min(bottom, other.bottom)
        }
    }

    /// Each level's size is the last one's times this, rounded down (`pyramid_down<6>`).
    static let rate = 5.0 / 6.0
    /// Levels shorter than this are not made.
    static let minimumHeight = 5

    let levels: [Level]
    let width: Int
    let height: Int

    /// The layout for a `width` x `height` photo, `padding` pixels between levels and
    /// `outerPadding` around them all (dlib's `compute_tiled_image_pyramid_details`).
    init(imageWidth: Int, imageHeight: Int, padding: Int, outerPadding: Int) {
        var sizes = [(width: imageWidth, height: imageHeight)]
        var (w, h) = (imageWidth, imageHeight)
        while true {
            w = Int((Self.rate * Double(w)).rounded(.down))
            h = Int((Self.rate * Double(h)).rounded(.down))
            if w * h == 0 || h < Self.minimumHeight { break }
            sizes.append((w, h))
        }
        // The first column takes levels until the next fits beside the last one placed and that
        // column is at least half of the whole stack's height.
        let total = sizes.reduce(0) { $0 + $1.height + padding } - 2 * padding
        var columnHeight = 0, previousWidth = 0
        for size in sizes {
            if size.width <= imageWidth - previousWidth - padding && (columnHeight - imageHeight) * 2 >= total - imageHeight { break }
            columnHeight += size.height + padding
            previousWidth = size.width
        }
        columnHeight -= padding
        var levels: [Level] = []
        var y = outerPadding
        while y < columnHeight + outerPadding && levels.count < sizes.count {
            let size = sizes[levels.count]
            levels.append(Level(left: outerPadding, top: y, width: size.width, height: size.height))
            y += size.height + padding
        }
        y -= padding
        // The rest, bottom-right corner at (right edge, y - 1), going up; stop before one would
        // overlap the photo itself.
        while levels.count < sizes.count {
            let size = sizes[levels.count]
            let level = Level(left: outerPadding + imageWidth - size.width, top: y - size.height,
                              width: size.width, height: size.height)
            if level.intersects(levels[0]) { break }
            levels.append(level)
            y -= size.height + padding
        }
        self.levels = levels
        self.width = imageWidth + 2 * outerPadding
        self.height = columnHeight + 2 * outerPadding
    }

    /// The tiled image as the network's input [1, 3, height, width]: level 0 is
    /// `(code - mean) / 256` per channel, each other level the one before resized bilinearly
    /// (corners to corners), everything else 0.
    func input(_ photo: RGBCodes, mean: [Float]) -> Tensor {
        precondition(photo.width == levels[0].width && photo.height == levels[0].height, "pyramid laid out for another size")
        let plane = width * height
        var values = [Float](repeating: 0, count: 3 * plane)
        let first = levels[0]
        photo.values.withUnsafeBufferPointer { source in
            values.withUnsafeMutableBufferPointer { out in
                let (source, out) = (SharedPointer(source.baseAddress!), SharedMutablePointer(out.baseAddress!))
                // A channel per worker: each level is made from the one before, in that channel only.
                Parallel.forEach(3, grain: 1) { channels in
                    for c in channels {
                        let (mean, tiled) = (mean[c], out.value + c * plane)
                        for y in 0..<photo.height {
                            let row = source.value + (c * photo.height + y) * photo.width
                            let target = tiled + (first.top + y) * width + first.left
                            for x in 0..<photo.width { target[x] = (row[x] - mean) / 256 }
                        }
                        for i in levels.indices.dropFirst() { Self.resize(tiled, from: levels[i - 1], to: levels[i], rowStride: width) }
                    }
                }
            }
        }
        return Tensor(shape: [1, 3, height, width], scalars: values)
    }

    /// dlib's bilinear `resize_image` for float images, within one plane: output pixel (x, y)
    /// reads the input at (x * (inW - 1) / (outW - 1), likewise y), weights in float.
    static func resize(_ plane: UnsafeMutablePointer<Float>, from a: Level, to b: Level, rowStride: Int) {
        let columns = BilinearSteps(from: a.width, to: b.width), rows = BilinearSteps(from: a.height, to: b.height)
        for r in 0..<b.height {
            let (top, bottom, tb) = (rows.low[r], rows.high[r], rows.fraction[r])
            let topRow = plane + (a.top + top) * rowStride + a.left, bottomRow = plane + (a.top + bottom) * rowStride + a.left
            let out = plane + (b.top + r) * rowStride + b.left
            for c in 0..<b.width {
                let (left, right, lr) = (columns.low[c], columns.high[c], columns.fraction[c])
                out[c] = (1 - tb) * (1 - lr) * topRow[left] + (1 - tb) * lr * topRow[right]
                    + tb * (1 - lr) * bottomRow[left] + tb * lr * bottomRow[right]
            }
        }
    }

    /// The level a tensor-space point belongs to: the first that contains it, else the nearest
    /// (dlib's `nearest_rect`).
    func level(x: Int, y: Int) -> Int {
        var best = 0, bestDistance = Double.infinity
        for (i, level) in levels.enumerated() {
            if level.contains(x: x, y: y) { return i }
            let dx = Double(x - min(max(x, level.left), level.right)), dy = Double(y - min(max(y, level.top), level.bottom))
            let distance = (dx * dx + dy * dy).squareRoot()
            if distance < bestDistance { bestDistance = distance; best = i }
        }
        return best
    }
}
