/// LBP features of one pyramid level (cascadedetect.cpp's LBPEvaluator): the 16 grid corners of
/// each feature's 3x3 blocks as offsets into the level's integral image.
struct LBPEvaluator {
    let cascade: Cascade
    /// 16 per feature, the 4x4 corners row by row.
    let offsets: [Int]

    init(cascade: Cascade, features: [Cascade.LBPFeature], stride: Int) {
        self.cascade = cascade
        var offsets: [Int] = []
        offsets.reserveCapacity(features.count * 16)
        for f in features {
            let (x, y, w, h) = (Int(f.x), Int(f.y), Int(f.width), Int(f.height))
            for row in 0..<4 {
                for column in 0..<4 { offsets.append(x + column * w + stride * (y + row * h)) }
            }
        }
        self.offsets = offsets
    }

    /// 1 when every stage accepts the window at `origin`, -s when stage s rejects it.
    func classify(at origin: Int, sums: UnsafePointer<Int32>) -> Int {
        let p = sums + origin
        let words = cascade.subsetWords
        return offsets.withUnsafeBufferPointer { offsets in
            cascade.subsets.withUnsafeBufferPointer { subsets in
                cascade.evaluateStages { index, node in
                    let o = 16 * Int(node.feature)
                    @inline(__always) func block(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Int32 {
                        p[offsets[o + a]] &- p[offsets[o + b]] &- p[offsets[o + c]] &+ p[offsets[o + d]]
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
                    return subsets[index * words + (code >> 5)] & (1 << Int32(code & 31)) != 0
                }
            }
        }
    }
}
