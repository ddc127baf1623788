/// Haar features of one pyramid level (cascadedetect.cpp's HaarEvaluator): each feature's rectangle
/// corners as offsets into that level's integral images, so a rectangle costs four reads.
struct HaarEvaluator {
    /// 12 per feature: 4 corners of each of 3 rectangles. Tilted features point into the tilted sum.
    let offsets: [Int]
    /// 3 per feature.
    let weights: [Float]
    /// Corners of the normalisation rectangle: the window less a 1-pixel border.
    let norm: (Int, Int, Int, Int)
    let normArea: Double
    /// The level's integral-image row length.
    let stride: Int

    init(features: [Cascade.HaarFeature], windowWidth: Int, windowHeight: Int, stride: Int, tiltedOffset: Int) {
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
        let (w, h) = (windowWidth - 2, windowHeight - 2)
        norm = (1 + stride, 1 + w + stride, 1 + stride * (1 + h), 1 + w + stride * (1 + h))
        normArea = Double(w * h)
        self.stride = stride
    }

    /// Evaluates the windows at (x, y) for x < columns, y < rows, every `step` pixels, calling
    /// `accept` for each that passes every stage. A window the first stage rejects also skips the
    /// next position along the row; one too flat to normalise is skipped alone (OpenCV's setWindow
    /// failing answers -1, not 0).
    func scan(sums: UnsafePointer<Int>, squares: UnsafePointer<Int>, tables: CascadeTables,
              columns: Int, rows: Int, step: Int, accept: (Int, Int) -> Void) {
        offsets.withUnsafeBufferPointer { offsets in
            weights.withUnsafeBufferPointer { weights in
                let offsets = offsets.baseAddress!, weights = weights.baseAddress!
                var y = 0
                while y < rows {
                    var x = 0
                    while x < columns {
                        let result = classify(at: y * stride + x, sums: sums, squares: squares, tables: tables,
                                              offsets: offsets, weights: weights)
                        if result > 0 { accept(x, y) }
                        if result == 0 { x += step }
                        x += step
                    }
                    y += step
                }
            }
        }
    }

    /// 1 when every stage accepts the window at `origin`, -s when stage s rejects it, -1 when the
    /// window is too flat to normalise.
    @inline(__always)
    private func classify(at origin: Int, sums: UnsafePointer<Int>, squares: UnsafePointer<Int>,
                          tables: CascadeTables, offsets: UnsafePointer<Int>, weights: UnsafePointer<Float>) -> Int {
        let p = sums + origin, q = squares + origin
        let sum = wrap32(p[norm.0] &- p[norm.1] &- p[norm.2] &+ p[norm.3])
        // The squared sum wraps in 32 bits; the window's own total fits, read unsigned.
        let squareSum = (q[norm.0] &- q[norm.1] &- q[norm.2] &+ q[norm.3]) & 0xFFFF_FFFF
        var spread = normArea * Double(squareSum) - Double(sum) * Double(sum)
        guard spread > 0 else { return -1 }
        spread = spread.squareRoot()
        let normaliser = Float(1 / spread)
        guard normArea * Double(normaliser) < 1e-1 else { return -1 }

        let nodes = tables.nodes, leaves = tables.leaves, counts = tables.nodeCounts
        var nodeOffset = 0, leafOffset = 0, tree = 0
        for index in 0..<tables.stages.count {
            let stage = tables.stages[index]
            // OpenCV sums the float leaves in double and compares with the float threshold.
            var total = 0.0
            for _ in 0..<stage.treeCount {
                var child = 0
                repeat {
                    let node = nodes[nodeOffset + child]
                    let o = offsets + 12 * node.feature, w = weights + 3 * node.feature
                    // In float, as OpenCV: weight times the integer rectangle sum, summed, then normalised.
                    var value = w[0] * Float(wrap32(p[o[0]] &- p[o[1]] &- p[o[2]] &+ p[o[3]]))
                        + w[1] * Float(wrap32(p[o[4]] &- p[o[5]] &- p[o[6]] &+ p[o[7]]))
                    if w[2] != 0 { value += w[2] * Float(wrap32(p[o[8]] &- p[o[9]] &- p[o[10]] &+ p[o[11]])) }
                    child = value * normaliser < node.threshold ? node.left : node.right
                } while child > 0
                total += Double(leaves[leafOffset - child])
                nodeOffset += counts[tree]
                leafOffset += counts[tree] + 1
                tree += 1
            }
            if total < Double(stage.threshold) { return -index }
        }
        return 1
    }
}
