/// LBP features of one pyramid level (cascadedetect.cpp's LBPEvaluator): the 16 grid corners of
/// each feature's 3x3 blocks as offsets into the level's integral image.
struct LBPEvaluator {
    /// 16 per feature, the 4x4 corners row by row.
    let offsets: [Int]
    let stride: Int

    init(features: [Cascade.LBPFeature], stride: Int) {
        var offsets: [Int] = []
        offsets.reserveCapacity(features.count * 16)
        for f in features {
            let (x, y, w, h) = (Int(f.x), Int(f.y), Int(f.width), Int(f.height))
            for row in 0..<4 {
                for column in 0..<4 { offsets.append(x + column * w + stride * (y + row * h)) }
            }
        }
        self.offsets = offsets
        self.stride = stride
    }

    /// Evaluates the windows at (x, y) for x < columns, y < rows, every `step` pixels, calling
    /// `accept` for each that passes every stage; a window the first stage rejects also skips the
    /// next position along the row.
    func scan(sums: UnsafePointer<Int>, tables: CascadeTables, columns: Int, rows: Int, step: Int,
              accept: (Int, Int) -> Void) {
        offsets.withUnsafeBufferPointer { offsets in
            let offsets = offsets.baseAddress!
            var y = 0
            while y < rows {
                var x = 0
                while x < columns {
                    let result = classify(at: y * stride + x, sums: sums, tables: tables, offsets: offsets)
                    if result > 0 { accept(x, y) }
                    if result == 0 { x += step }
                    x += step
                }
                y += step
            }
        }
    }

    /// 1 when every stage accepts the window at `origin`, -s when stage s rejects it.
    @inline(__always)
    private func classify(at origin: Int, sums: UnsafePointer<Int>, tables: CascadeTables,
                          offsets: UnsafePointer<Int>) -> Int {
        let p = sums + origin
        let nodes = tables.nodes, leaves = tables.leaves, counts = tables.nodeCounts
        let subsets = tables.subsets!, words = tables.subsetWords
        var nodeOffset = 0, leafOffset = 0, tree = 0
        for index in 0..<tables.stages.count {
            let stage = tables.stages[index]
            var total = 0.0
            for _ in 0..<stage.treeCount {
                var child = 0
                repeat {
                    let at = nodeOffset + child
                    let node = nodes[at]
                    let o = offsets + 16 * node.feature
                    @inline(__always) func block(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Int {
                        wrap32(p[o[a]] &- p[o[b]] &- p[o[c]] &+ p[o[d]])
                    }
                    // The eight outer blocks against the centre one, clockwise from the top left.
                    let centre = block(5, 6, 9, 10)
                    var code = block(0, 1, 4, 5) >= centre ? 128 : 0
                    code |= block(1, 2, 5, 6) >= centre ? 64 : 0
                    code |= block(2, 3, 6, 7) >= centre ? 32 : 0
                    code |= block(6, 7, 10, 11) >= centre ? 16 : 0
                    code |= block(10, 11, 14, 15) >= centre ? 8 : 0
                    code |= block(9, 10, 13, 14) >= centre ? 4 : 0
                    code |= block(8, 9, 12, 13) >= centre ? 2 : 0
                    code |= block(4, 5, 8, 9) >= centre ? 1 : 0
                    let goesLeft = subsets[at * words + (code >> 5)] & (1 << (code & 31)) != 0
                    child = goesLeft ? node.left : node.right
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
