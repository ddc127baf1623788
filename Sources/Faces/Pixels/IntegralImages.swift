/// The integral images OpenCV's `cv::integral(img, sum, sqsum, tilted, CV_32S, CV_32S)` makes for a
/// cascade, each `(height + 1) x (width + 1)` with a zero first row and column, in 32-bit integers
/// that wrap as OpenCV's do (the squared sum of a 200x200 white image already passes 2^31; a
/// window's sum of squares, read as the difference of four corners, comes out right modulo 2^32):
///
///     sum(X, Y)    = sum of img(x, y) over x < X, y < Y
///     sqsum(X, Y)  = the same over img(x, y)^2
///     tilted(X, Y) = sum of img(x, y) over y < Y, |x - X + 1| <= Y - 1 - y
///
/// (the last is the 45-degree triangle whose apex is the pixel above-left of (X, Y)).
enum IntegralImages {
    /// `sum` and `squares` (and `tilted` when asked), row stride `width + 1`.
    static func compute(_ image: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
                        sum: UnsafeMutableBufferPointer<Int32>, squares: UnsafeMutableBufferPointer<Int32>,
                        tilted: UnsafeMutableBufferPointer<Int32>?) {
        let stride = width + 1
        precondition(sum.count >= stride * (height + 1) && squares.count >= stride * (height + 1))
        for x in 0..<stride { sum[x] = 0; squares[x] = 0 }
        for y in 0..<height {
            var rowSum: Int32 = 0, rowSquares: Int32 = 0
            let above = y * stride, here = above + stride, pixels = y * width
            sum[here] = 0
            squares[here] = 0
            for x in 0..<width {
                let value = Int32(image[pixels + x])
                rowSum &+= value
                rowSquares &+= value &* value
                sum[here + x + 1] = sum[above + x + 1] &+ rowSum
                squares[here + x + 1] = squares[above + x + 1] &+ rowSquares
            }
        }
        if let tilted { computeTilted(image, width: width, height: height, into: tilted) }
    }

    /// The recurrence T(X, Y) = T(X-1, Y-1) + T(X+1, Y-1) - T(X, Y-2) + img(X-1, Y-1) + img(X-1, Y-2):
    /// the two triangles one row up overlap in the triangle two rows up, and miss the apex column's
    /// two lowest pixels. Apexes left and right of the image still hold pixels, so rows are kept
    /// `height + 1` columns wider on each side; past that every triangle misses the image and is 0.
    private static func computeTilted(_ image: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
                                      into tilted: UnsafeMutableBufferPointer<Int32>) {
        let stride = width + 1
        precondition(tilted.count >= stride * (height + 1))
        let pad = height + 1
        let wide = stride + 2 * pad  // X from -pad to width + pad
        var twoUp = [Int32](repeating: 0, count: wide), oneUp = twoUp, current = twoUp
        for x in 0..<stride { tilted[x] = 0 }
        @inline(__always) func pixel(_ x: Int, _ y: Int) -> Int32 {
            x >= 0 && x < width && y >= 0 ? Int32(image[y * width + x]) : 0
        }
        for y in 1...height {
            for e in 0..<wide {
                let x = e - pad
                let left: Int32 = e > 0 ? oneUp[e - 1] : 0
                let right: Int32 = e + 1 < wide ? oneUp[e + 1] : 0
                current[e] = left &+ right &- twoUp[e] &+ pixel(x - 1, y - 1) &+ pixel(x - 1, y - 2)
            }
            for x in 0..<stride { tilted[y * stride + x] = current[x + pad] }
            swap(&twoUp, &oneUp)
            swap(&oneUp, &current)
        }
    }
}
