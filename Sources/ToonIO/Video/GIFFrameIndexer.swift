import ToonCore

/// Turns a frame's RGB pixels into palette indexes, one byte per pixel.
enum GIFFrameIndexer {
    /// Indexes for a frame whose every colour is in `palette` (the exact path).
    static func exactIndexes(_ frame: RGBFrame, palette: [GIFColor]) -> [UInt8] {
        var lookup: [UInt32: UInt8] = [:]
        for (i, color) in palette.enumerated() { lookup[color.packed] = UInt8(i) }
        let pixels = frame.pixels
        return (0..<frame.width * frame.height).map { p in
            let key = UInt32(pixels[p * 3]) << 16 | UInt32(pixels[p * 3 + 1]) << 8 | UInt32(pixels[p * 3 + 2])
            guard let index = lookup[key] else { preconditionFailure("colour \(key) missing from the exact palette") }
            return index
        }
    }

    /// Indexes of the nearest palette entries, with or without error diffusion.
    static func nearestIndexes(_ frame: RGBFrame, palette: [GIFColor], dither: Bool) -> [UInt8] {
        let nearest = GIFNearestColor(palette: palette)
        return dither ? diffused(frame, palette: palette, nearest: nearest) : plain(frame, nearest: nearest)
    }

    /// Each pixel independently; rows split over cores, each with its own lookup cache.
    private static func plain(_ frame: RGBFrame, nearest: GIFNearestColor) -> [UInt8] {
        let count = frame.width * frame.height
        var indexes = [UInt8](repeating: 0, count: count)
        frame.pixels.withUnsafeBufferPointer { pixels in
            indexes.withUnsafeMutableBufferPointer { out in
                let out = out.baseAddress!
                Parallel.forEach(count, grain: 32_768) { range in
                    var local = nearest
                    for p in range {
                        out[p] = local.index(red: Int(pixels[p * 3]), green: Int(pixels[p * 3 + 1]),
                                             blue: Int(pixels[p * 3 + 2]))
                    }
                }
            }
        }
        return indexes
    }

    /// Floyd–Steinberg error diffusion on a serpentine path: alternating the direction of each row
    /// stops the error from always flowing right, which otherwise draws diagonal "worm" artefacts
    /// across smooth gradients. Sequential by nature (each pixel depends on its predecessors).
    private static func diffused(_ frame: RGBFrame, palette: [GIFColor], nearest: GIFNearestColor) -> [UInt8] {
        let width = frame.width, height = frame.height
        var nearest = nearest
        var indexes = [UInt8](repeating: 0, count: width * height)
        let reds = palette.map { Float($0.red) }, greens = palette.map { Float($0.green) }
        let blues = palette.map { Float($0.blue) }
        // Error carried into this row and the next, with one spare pixel at each end so the
        // neighbours of edge pixels need no bounds checks.
        var current = [Float](repeating: 0, count: (width + 2) * 3)
        var next = current
        let pixels = frame.pixels
        for y in 0..<height {
            let forward = y % 2 == 0
            let step = forward ? 1 : -1
            for i in next.indices { next[i] = 0 }
            for s in 0..<width {
                let x = forward ? s : width - 1 - s
                let p = y * width + x
                let e = (x + 1) * 3
                let r = min(max(Float(pixels[p * 3]) + current[e], 0), 255)
                let g = min(max(Float(pixels[p * 3 + 1]) + current[e + 1], 0), 255)
                let b = min(max(Float(pixels[p * 3 + 2]) + current[e + 2], 0), 255)
                let index = nearest.index(red: Int(r.rounded()), green: Int(g.rounded()), blue: Int(b.rounded()))
                indexes[p] = index
                let ahead = e + step * 3, behind = e - step * 3
                let errors = (r - reds[Int(index)], g - greens[Int(index)], b - blues[Int(index)])
                func spread(_ c: Int, _ error: Float) {
                    current[ahead + c] += error * (7.0 / 16.0)
                    next[behind + c] += error * (3.0 / 16.0)
                    next[e + c] += error * (5.0 / 16.0)
                    next[ahead + c] += error * (1.0 / 16.0)
                }
                spread(0, errors.0); spread(1, errors.1); spread(2, errors.2)
            }
            swap(&current, &next)
        }
        return indexes
    }
}
