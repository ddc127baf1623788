import Foundation

extension Cascade {
    /// The windows of one pyramid level that pass every stage, as boxes in the original image
    /// (cascadedetect.cpp's CascadeClassifierInvoker): the level is made with OpenCV's bilinear
    /// resize, its integral images computed, and every `step`-th window evaluated; a window rejected
    /// by the very first stage also skips the next position along the row, as OpenCV does.
    func scan(_ image: GrayImage, level: Level) -> [FaceBox] {
        let width = level.width, height = level.height, stride = width + 1
        let workingWidth = max(stride - windowWidth, 0), workingHeight = level.scannedRows
        if workingWidth == 0 || workingHeight == 0 { return [] }
        var resized = [UInt8](repeating: 0, count: width * height)
        image.pixels.withUnsafeBufferPointer { source in
            resized.withUnsafeMutableBufferPointer { destination in
                LinearResize.resize(source, width: image.width, height: image.height,
                                    into: destination, width: width, height: height)
            }
        }
        let area = stride * (height + 1)
        let windowBox = (width: cvRound(Float(windowWidth) * level.scale), height: cvRound(Float(windowHeight) * level.scale))
        var found: [FaceBox] = []
        let accept = { (x: Int, y: Int) in
            found.append(FaceBox(x: cvRound(Float(x) * level.scale), y: cvRound(Float(y) * level.scale),
                                 width: windowBox.width, height: windowBox.height))
        }
        switch features {
        case .haar(let haar):
            // One buffer holds the sum and, after it, the tilted sum, so a tilted feature's corners are
            // the upright layout moved by `area` (OpenCV's `tofs`).
            let tilted = needsTiltedIntegral
            var sums = [Int32](repeating: 0, count: tilted ? 2 * area : area)
            var squares = [Int32](repeating: 0, count: area)
            resized.withUnsafeBufferPointer { pixels in
                sums.withUnsafeMutableBufferPointer { sums in
                    squares.withUnsafeMutableBufferPointer { squares in
                        let upright = UnsafeMutableBufferPointer(rebasing: sums[0..<area])
                        let slanted = tilted ? UnsafeMutableBufferPointer(rebasing: sums[area..<(2 * area)]) : nil
                        IntegralImages.compute(pixels, width: width, height: height, sum: upright, squares: squares,
                                               tilted: slanted)
                    }
                }
            }
            let evaluator = HaarEvaluator(cascade: self, features: haar, stride: stride, tiltedOffset: area)
            sums.withUnsafeBufferPointer { sums in
                squares.withUnsafeBufferPointer { squares in
                    walk(workingWidth: workingWidth, workingHeight: workingHeight, step: level.step, accept: accept) { origin in
                        evaluator.classify(at: origin, sums: sums.baseAddress!, squares: squares.baseAddress!)
                    }
                }
            }
        case .lbp(let lbp):
            var sums = [Int32](repeating: 0, count: area)
            var squares = [Int32](repeating: 0, count: area)
            resized.withUnsafeBufferPointer { pixels in
                sums.withUnsafeMutableBufferPointer { sums in
                    squares.withUnsafeMutableBufferPointer { squares in
                        IntegralImages.compute(pixels, width: width, height: height, sum: sums, squares: squares, tilted: nil)
                    }
                }
            }
            let evaluator = LBPEvaluator(cascade: self, features: lbp, stride: stride)
            sums.withUnsafeBufferPointer { sums in
                walk(workingWidth: workingWidth, workingHeight: workingHeight, step: level.step, accept: accept) { origin in
                    evaluator.classify(at: origin, sums: sums.baseAddress!)
                }
            }
        }
        return found
    }

    /// Visits window origins row by row. `classify` answers 1 (accepted), -s (stage s rejected it) or
    /// -1 (Haar: too little contrast to normalise); `stride` turns (x, y) into an integral index.
    private func walk(workingWidth: Int, workingHeight: Int, step: Int, accept: (Int, Int) -> Void,
                      classify: (_ origin: Int) -> Int) {
        let stride = workingWidth + windowWidth
        var y = 0
        while y < workingHeight {
            var x = 0
            while x < workingWidth {
                let result = classify(y * stride + x)
                if result > 0 { accept(x, y) }
                if result == 0 { x += step }
                x += step
            }
            y += step
        }
    }

    /// Walks the stages for one window (cascadedetect.hpp's predictOrdered / predictCategorical):
    /// `goesLeft(index, node)` is the window's test at a node. 1 when every stage passes, else -s
    /// for the first stage s that fails.
    @inline(__always)
    func evaluateStages(goesLeft: (_ index: Int, _ node: Node) -> Bool) -> Int {
        var nodeOffset = 0, leafOffset = 0
        return nodes.withUnsafeBufferPointer { nodes in
            leaves.withUnsafeBufferPointer { leaves in
                treeNodeCounts.withUnsafeBufferPointer { counts in
                    for (index, stage) in stages.enumerated() {
                        // OpenCV sums the float leaves in double and compares with the float threshold.
                        var sum = 0.0
                        for tree in stage.firstTree..<(stage.firstTree + stage.treeCount) {
                            var child = 0
                            repeat {
                                let node = nodeOffset + child
                                let split = nodes[node]
                                child = Int(goesLeft(node, split) ? split.left : split.right)
                            } while child > 0
                            sum += Double(leaves[leafOffset - child])
                            nodeOffset += counts[tree]
                            leafOffset += counts[tree] + 1
                        }
                        if sum < Double(stage.threshold) { return -index }
                    }
                    return 1
                }
            }
        }
    }
}
