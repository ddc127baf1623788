/// A 32-bit two's-complement value held in an Int: what an OpenCV `int` holds after the same
/// wrapping arithmetic. (Integral images live in Int rather than Int32 so the per-window loops
/// convert nothing; in a debug build each Int32 conversion is a generic call.)
@inline(__always) func wrap32(_ value: Int) -> Int { (value &<< 32) &>> 32 }

/// The integral images OpenCV's `cv::integral(img, sum, sqsum, tilted, CV_32S, CV_32S)` makes for a
/// cascade, each `(height + 1) x (width + 1)` with a zero first row and column, in 32-bit integers
/// that wrap as OpenCV's do (the squared sum of a 200x200 white image already passes 2^31; a
/// window's sum of squares, read as the difference of four corners, comes out right modulo 2^32):
///
///     sum(X, Y)    = sum of img(x, y) over x < X, y < Y
///     sqsum(X, Y)  = the same over img(x, y)^2
///     tilted(X, Y) = sum of img(x, y) over y < Y, |x - X + 1| <= Y - 1 - y
///
/// (the last is the 45-degree triangle whose apex is the pixel above-left of (X, Y)). Values are
/// stored as `wrap32` gives them.
enum IntegralImages {
    /// `sum` (and `squares` and `tilted` when given), row stride `width + 1`.
    static func compute(_ image: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
                        sum: UnsafeMutableBufferPointer<Int>, squares: UnsafeMutableBufferPointer<Int>?,
                        tilted: UnsafeMutableBufferPointer<Int>?) {
        let stride = width + 1
        precondition(sum.count >= stride * (height + 1) && (squares?.count ?? .max) >= stride * (height + 1))
        for x in 0..<stride { sum[x] = 0 }
        for y in 0..<height {
            var rowSum = 0
            let above = y * stride, here = above + stride, pixels = y * width
            sum[here] = 0
            for x in 0..<width {
                rowSum += Int(image[pixels + x])
                sum[here + x + 1] = wrap32(sum[above + x + 1] &+ rowSum)
            }
        }
        if let squares {
            for x in 0..<stride { squares[x] = 0 }
            for y in 0..<height {
                var rowSquares = 0
                let above = y * stride, here = above + stride, pixels = y * width
                squares[here] = 0
                for x in 0..<width {
                    let value = Int(image[pixels + x])
                    rowSquares += value * value
                    squares[here + x + 1] = wrap32(squares[above + x + 1] &+ rowSquares)
                }
            }
        }
        if let tilted { computeTilted(image, width: width, height: height, into: tilted) }
    }

    /// The recurrence T(X, Y) = T(X-1, Y-1) + T(X+1, Y-1) - T(X, Y-2) + img(X-1, Y-1) + img(X-1, Y-2):
    /// the two triangles one row up overlap in the triangle two rows up, and miss the apex column's
    /// two lowest pixels. Apexes left and right of the image still hold pixels, so rows are kept
    /// `height + 1` columns wider on each side; past that every triangle misses the image and is 0.
    private static func computeTilted(_ image: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
                                      into tilted: UnsafeMutableBufferPointer<Int>) {
        let stride = width + 1
        precondition(tilted.count >= stride * (height + 1))
        let pad = height + 1
        let wide = stride + 2 * pad  // X from -pad to width + pad
        var twoUp = [Int](repeating: 0, count: wide), oneUp = twoUp, current = twoUp
        for x in 0..<stride { tilted[x] = 0 }
        @inline(__always) func pixel(_ x: Int, _ y: Int) -> Int {
            x >= 0 && x < width && y >= 0 ? Int(image[y * width + x]) : 0
        }
        for y in 1...height {
            for e in 0..<wide {
                let x = e - pad
                let left = e > 0 ? oneUp[e - 1] : 0
                let right = e + 1 < wide ? oneUp[e + 1] : 0
                current[e] = wrap32(left &+ right &- twoUp[e] &+ pixel(x - 1, y - 1) &+ pixel(x - 1, y - 2))
            }
            for x in 0..<stride { tilted[y * stride + x] = current[x + pad] }
            swap(&twoUp, &oneUp)
            swap(&oneUp, &current)
        }
    }
}
