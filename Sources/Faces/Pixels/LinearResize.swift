/// `cv::resize(src, dst, size, 0, 0, INTER_LINEAR)` on 8-bit gray, bit for bit as OpenCV 4 does it
/// (imgproc/src/resize.cpp): the pyramid a cascade scans is made this way, and a level that differs
/// by one gray level can move a detection.
///
/// OpenCV's 8-bit bilinear path is fixed point: horizontal weights are the float fractions times
/// 2048, rounded to 16-bit integers; each row is filtered to 32-bit sums; the vertical pass multiplies
/// those sums, shifted right by 4, by the vertical weights and shifts back with rounding:
/// `((b0 * (S0 >> 4)) >> 16 + (b1 * (S1 >> 4)) >> 16 + 2) >> 2`. The weights come from
/// `(dst + 0.5) * scale - 0.5` computed in double and narrowed to float. Columns left of the image
/// take the first pixel and right of it the last; rows are clamped without changing their weights.
/// An exact 2:1 reduction on both axes is what OpenCV hands to its area filter instead, which
/// averages each 2x2 block with rounding, `(a + b + c + d + 2) >> 2`.
enum LinearResize {
    /// Weight scale (INTER_RESIZE_COEF_SCALE).
    static let one: Float = 2048

    static func resize(_ source: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
                       into destination: UnsafeMutableBufferPointer<UInt8>, width dstWidth: Int, height dstHeight: Int) {
        precondition(source.count >= width * height && destination.count >= dstWidth * dstHeight)
        if dstWidth == width && dstHeight == height {
            _ = destination.initialize(from: source[0..<(width * height)])
            return
        }
        let inverseX = Double(dstWidth) / Double(width), inverseY = Double(dstHeight) / Double(height)
        let scaleX = 1 / inverseX, scaleY = 1 / inverseY
        if scaleX == 2 && scaleY == 2 {
            halve(source, width: width, into: destination, width: dstWidth, height: dstHeight)
            return
        }

        // Horizontal taps: first column and its two fixed-point weights; past `xmax`, the last pixel alone.
        var columns = [Int](repeating: 0, count: dstWidth)
        var alpha = [Int32](repeating: 0, count: dstWidth * 2)
        var xmax = dstWidth
        for dx in 0..<dstWidth {
            var fx = Float((Double(dx) + 0.5) * scaleX - 0.5)
            var sx = Int(fx.rounded(.down))
            fx -= Float(sx)
            if sx < 0 { fx = 0; sx = 0 }
            if sx + 1 >= width {
                xmax = min(xmax, dx)
                if sx >= width - 1 { fx = 0; sx = width - 1 }
            }
            columns[dx] = sx
            alpha[2 * dx] = Int32(saturatingShort((1 - fx) * one))
            alpha[2 * dx + 1] = Int32(saturatingShort(fx * one))
        }

        var upper = [Int32](repeating: 0, count: dstWidth), lower = [Int32](repeating: 0, count: dstWidth)
        var upperRow = -1, lowerRow = -1
        for dy in 0..<dstHeight {
            var fy = Float((Double(dy) + 0.5) * scaleY - 0.5)
            let sy = Int(fy.rounded(.down))
            fy -= Float(sy)
            let b0 = Int32(saturatingShort((1 - fy) * one)), b1 = Int32(saturatingShort(fy * one))
            let row0 = clamp(sy, height), row1 = clamp(sy + 1, height)
            // Consecutive output rows mostly share source rows: filter each source row once.
            if row0 != upperRow {
                if row0 == lowerRow { swap(&upper, &lower); swap(&upperRow, &lowerRow) } else {
                    filterRow(source, row: row0, width: width, columns: columns, alpha: alpha, xmax: xmax, into: &upper)
                    upperRow = row0
                }
            }
            if row1 != lowerRow {
                filterRow(source, row: row1, width: width, columns: columns, alpha: alpha, xmax: xmax, into: &lower)
                lowerRow = row1
            }
            let out = dy * dstWidth
            for dx in 0..<dstWidth {
                let value = ((b0 &* (upper[dx] >> 4)) >> 16) &+ ((b1 &* (lower[dx] >> 4)) >> 16) &+ 2
                destination[out + dx] = UInt8(clamping: value >> 2)
            }
        }
    }

    /// OpenCV's row clip for vertical taps: below 0 reads row 0, past the end the last row.
    @inline(__always) private static func clamp(_ row: Int, _ height: Int) -> Int {
        row < 0 ? 0 : (row < height ? row : height - 1)
    }

    /// `saturate_cast<short>(float)`: round to nearest, ties to even, then clamp.
    @inline(__always) private static func saturatingShort(_ value: Float) -> Int16 {
        Int16(clamping: cvRound(value))
    }

    private static func filterRow(_ source: UnsafeBufferPointer<UInt8>, row: Int, width: Int, columns: [Int],
                                  alpha: [Int32], xmax: Int, into out: inout [Int32]) {
        let base = row * width
        for dx in 0..<columns.count {
            let sx = base + columns[dx]
            if dx < xmax {
                out[dx] = Int32(source[sx]) &* alpha[2 * dx] &+ Int32(source[sx + 1]) &* alpha[2 * dx + 1]
            } else {
                out[dx] = Int32(source[sx]) &* 2048
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
