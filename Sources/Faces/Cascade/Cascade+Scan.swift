extension Cascade {
    /// The windows of one pyramid level that pass every stage, as boxes in the original image
    /// (cascadedetect.cpp's CascadeClassifierInvoker): the level is made with OpenCV's exact bilinear
    /// resize (`LinearResize`), its integral images computed, and every `step`-th window evaluated; a window rejected
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
            var sums = [Int](repeating: 0, count: tilted ? 2 * area : area)
            var squares = [Int](repeating: 0, count: area)
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
            let evaluator = HaarEvaluator(features: haar, windowWidth: windowWidth, windowHeight: windowHeight,
                                          stride: stride, tiltedOffset: area)
            withTables { tables in
                sums.withUnsafeBufferPointer { sums in
                    squares.withUnsafeBufferPointer { squares in
                        evaluator.scan(sums: sums.baseAddress!, squares: squares.baseAddress!, tables: tables,
                                       columns: workingWidth, rows: workingHeight, step: level.step, accept: accept)
                    }
                }
            }
        case .lbp(let lbp):
            var sums = [Int](repeating: 0, count: area)
            resized.withUnsafeBufferPointer { pixels in
                sums.withUnsafeMutableBufferPointer { sums in
                    IntegralImages.compute(pixels, width: width, height: height, sum: sums, squares: nil, tilted: nil)
                }
            }
            let evaluator = LBPEvaluator(features: lbp, stride: stride)
            withTables { tables in
                sums.withUnsafeBufferPointer { sums in
                    evaluator.scan(sums: sums.baseAddress!, tables: tables, columns: workingWidth, rows: workingHeight,
                                   step: level.step, accept: accept)
                }
            }
        }
        return found
    }

    /// The cascade's arrays as pointers for the per-window loops, which in a debug build would
    /// otherwise pay for a bounds check and a closure call at every node.
    func withTables<Result>(_ body: (CascadeTables) -> Result) -> Result {
        stages.withUnsafeBufferPointer { stages in
            treeNodeCounts.withUnsafeBufferPointer { counts in
                nodes.withUnsafeBufferPointer { nodes in
                    leaves.withUnsafeBufferPointer { leaves in
                        subsets.withUnsafeBufferPointer { subsets in
                            body(CascadeTables(stages: stages, nodeCounts: counts.baseAddress!, nodes: nodes.baseAddress!,
                                               leaves: leaves.baseAddress!, subsets: subsets.baseAddress,
                                               subsetWords: subsetWords))
                        }
                    }
                }
            }
        }
    }
}

/// A cascade's stages, trees, nodes, leaves and LBP split tables, valid inside `Cascade.withTables`.
struct CascadeTables {
    let stages: UnsafeBufferPointer<Cascade.Stage>
    let nodeCounts: UnsafePointer<Int>
    let nodes: UnsafePointer<Cascade.Node>
    let leaves: UnsafePointer<Float>
    /// nil for Haar cascades.
    let subsets: UnsafePointer<Int>?
    let subsetWords: Int
}
