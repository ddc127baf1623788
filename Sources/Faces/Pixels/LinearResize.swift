/// `cv::resize(src, dst, size, 0, 0, INTER_LINEAR_EXACT)` on 8-bit gray, bit for bit as OpenCV 4
/// does it (imgproc/src/resize.cpp, `resize_bitExact`): the resize CascadeClassifier makes each
/// pyramid level with since OpenCV 3.4/4.0, and a level that differs by one gray level can move a
/// detection. (Plain INTER_LINEAR, 11-bit weights, gives different bytes: tried first, it moved
/// boxes on about a third of the reference photos.)
///
/// Everything is integer with 8-bit weights. A destination column's source position is
/// `(dx + 0.5) * (src / dst) - 0.5` in double; its weights are the fraction times 256, rounded
/// (ties to even), and 256 less that. Each source row is filtered horizontally to 16-bit values
/// (8 fractional bits); two of those are blended vertically with the row weights and rounded,
/// `(a * wa + b * wb + 2^15) >> 16`. Positions left of (or above) the first pixel take the first
/// pixel, and past the last pixel the last; such rows are only rounded back, `(v + 128) >> 8`.
/// An exact 2:1 reduction on both axes is what OpenCV hands to its area filter instead, which
/// averages each 2x2 block with rounding, `(a + b + c + d + 2) >> 2`.
enum LinearResize {
    /// Per destination index: the first source index, its weight pair (summing to 256), and the
    /// range of indices that interpolate; before it the first pixel is copied, after it the last.
    struct Taps {
        var offsets: [Int]
        var weights: [(Int32, Int32)]
        var interpolated: Range<Int>

        /// OpenCV's `interpolationLinear::getCoeffs` over every destination index.
        init(source: Int, destination: Int) {
            let scale = 1 / (Double(destination) / Double(source))
            offsets = [Int](repeating: 0, count: destination)
            weights = [(Int32, Int32)](repeating: (0, 0), count: destination)
            var lower = 0, upper = destination
            for d in 0..<destination {
                let position = scale * (Double(d) + 0.5) - 0.5
                let index = Int(position.rounded(.down))
                if index >= 0 && source > 1 {
                    if index < source - 1 {
                        let fraction = Int32(((position - Double(index)) * 256).rounded(.toNearestOrEven))
                        offsets[d] = index
                        weights[d] = (256 - fraction, fraction)
                    } else {
                        offsets[d] = source - 1
                        upper = min(upper, d)
                    }
                } else {
                    lower = max(lower, d + 1)
                }
            }
            interpolated = lower..<max(lower, upper)
        }
    }

    static func resize(_ source: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
                       into destination: UnsafeMutableBufferPointer<UInt8>, width dstWidth: Int, height dstHeight: Int) {
        precondition(source.count >= width * height && destination.count >= dstWidth * dstHeight)
        if dstWidth == width && dstHeight == height {
            _ = destination.initialize(from: source[0..<(width * height)])
            return
        }
        if width == 2 * dstWidth && height == 2 * dstHeight {
            halve(source, width: width, into: destination, width: dstWidth, height: dstHeight)
            return
        }
        let columns = Taps(source: width, destination: dstWidth), rows = Taps(source: height, destination: dstHeight)
        var upper = [Int32](repeating: 0, count: dstWidth), lower = upper
        var upperRow = -1, lowerRow = -1
        for dy in 0..<dstHeight {
            let out = dy * dstWidth
            if !rows.interpolated.contains(dy) {
                // Above or below the image: one source row, its fixed-point values rounded back.
                let row = dy < rows.interpolated.lowerBound ? 0 : height - 1
                if row != upperRow {
                    filter(source, row: row, width: width, taps: columns, into: &upper)
                    upperRow = row
                }
                for dx in 0..<dstWidth { destination[out + dx] = UInt8(clamping: (upper[dx] + 128) >> 8) }
                continue
            }
            let row0 = rows.offsets[dy], row1 = row0 + 1
            // Consecutive output rows mostly share source rows: filter each source row once.
            if row0 != upperRow {
                if row0 == lowerRow {
                    swap(&upper, &lower)
                    swap(&upperRow, &lowerRow)
                } else {
                    filter(source, row: row0, width: width, taps: columns, into: &upper)
                    upperRow = row0
                }
            }
            if row1 != lowerRow {
                filter(source, row: row1, width: width, taps: columns, into: &lower)
                lowerRow = row1
            }
            let (w0, w1) = rows.weights[dy]
            for dx in 0..<dstWidth {
                destination[out + dx] = UInt8(clamping: (upper[dx] &* w0 &+ lower[dx] &* w1 &+ 32768) >> 16)
            }
        }
    }

    /// One source row filtered horizontally, in 8.8 fixed point.
    private static func filter(_ source: UnsafeBufferPointer<UInt8>, row: Int, width: Int, taps: Taps,
                               into out: inout [Int32]) {
        let base = row * width
        let first = Int32(source[base]) << 8, last = Int32(source[base + taps.offsets[out.count - 1]]) << 8
        for dx in 0..<out.count {
            if dx < taps.interpolated.lowerBound {
                out[dx] = first
            } else if dx < taps.interpolated.upperBound {
                let sx = base + taps.offsets[dx], (w0, w1) = taps.weights[dx]
                out[dx] = Int32(source[sx]) &* w0 &+ Int32(source[sx + 1]) &* w1
            } else {
                out[dx] = last
            }
        }
    }

    private static func halve(_ source: UnsafeBufferPointer<UInt8>, width: Int,
                              into destination: UnsafeMutableBufferPointer<UInt8>, width dstWidth: Int, height dstHeight: Int) {
        for dy in 0..<dstHeight {
            let top = 2 * dy * width, bottom = top + width
            for dx in 0..<dstWidth {
                let sum = Int(source[top + 2 * dx]) + Int(source[top + 2 * dx + 1])
                    + Int(source[bottom + 2 * dx]) + Int(source[bottom + 2 * dx + 1])
                destination[dy * dstWidth + dx] = UInt8((sum + 2) >> 2)
            }
        }
    }
}
