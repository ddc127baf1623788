import ToonCore

/// Pillow's `Image.transform(size, QUAD, data, BILINEAR)` on 8-bit RGB (libImaging/Geometry.c): each
/// output pixel centre, mapped by the bilinear quad map, is sampled bilinearly with edge pixels
/// repeated, the result truncated to a code; points outside the source are black.
enum QuadTransform {
    /// `corners` are the quad's top-left, bottom-left, bottom-right and top-right corners in Pillow's
    /// coordinates (pixel edges at whole numbers: the recipe passes `quad + 0.5`).
    static func apply(_ source: RGBCodes, corners: [FacePoint], size: Int) -> RGBCodes {
        let (nw, sw, se, ne) = (corners[0], corners[1], corners[2], corners[3])
        let s = 1.0 / Double(size)
        // Image.py's coefficients, in its order of operations.
        let a = [nw.x, (ne.x - nw.x) * s, (sw.x - nw.x) * s, (se.x - sw.x - ne.x + nw.x) * s * s,
                 nw.y, (ne.y - nw.y) * s, (sw.y - nw.y) * s, (se.y - sw.y - ne.y + nw.y) * s * s]
        let w = source.width, h = source.height, plane = w * h
        var out = [Float](repeating: 0, count: 3 * size * size)
        source.values.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                let input = input.baseAddress!, output = output.baseAddress!
                Parallel.forEach(size, grain: 8) { rows in
                    for oy in rows {
                        let yin = Double(oy) + 0.5
                        for ox in 0..<size {
                            let xin = Double(ox) + 0.5
                            var x = a[0] + a[1] * xin + a[2] * yin + a[3] * xin * yin
                            var y = a[4] + a[5] * xin + a[6] * yin + a[7] * xin * yin
                            guard x >= 0 && x < Double(w) && y >= 0 && y < Double(h) else { continue }
                            x -= 0.5
                            y -= 0.5
                            let fx = x.rounded(.down), fy = y.rounded(.down)
                            let dx = x - fx, dy = y - fy
                            let ix = Int(fx), iy = Int(fy)
                            let x0 = min(max(ix, 0), w - 1), x1 = min(max(ix + 1, 0), w - 1)
                            let row0 = min(max(iy, 0), h - 1) * w
                            let hasRow1 = iy + 1 >= 0 && iy + 1 < h
                            let row1 = (iy + 1) * w
                            for c in 0..<3 {
                                let p = input + c * plane
                                let top = Double(p[row0 + x0]) + (Double(p[row0 + x1]) - Double(p[row0 + x0])) * dx
                                let bottom = hasRow1
                                    ? Double(p[row1 + x0]) + (Double(p[row1 + x1]) - Double(p[row1 + x0])) * dx : top
                                // (UINT8)v: truncation.
                                output[(c * size + oy) * size + ox] = Float(Int(top + (bottom - top) * dy))
                            }
                        }
                    }
                }
            }
        }
        return RGBCodes(width: size, height: size, values: out)
    }
}
