import Foundation

extension ShapeModel {
    /// Files larger than this are refused before reading; dlib's 68-point model is 100 MB.
    static let maximumFileBytes = 256 << 20

    /// Reads a dlib shape predictor file (`shape_predictor_68_face_landmarks.dat` and the like).
    static func read(from url: URL) throws(FacesError) -> ShapeModel {
        let file = url.path
        let bytes: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            let size = try handle.seekToEnd()
            if size > UInt64(maximumFileBytes) {
                throw FacesError(file: file, .badShapePredictor(
                    offset: 0, "\(size) bytes, more than any shape predictor (limit \(maximumFileBytes))"))
            }
            try handle.seek(toOffset: 0)
            bytes = try handle.readToEnd() ?? Data()
        } catch let error as FacesError {
            throw error
        } catch {
            throw FacesError(file: file, .unreadable((error as NSError).localizedDescription))
        }
        return try parse([UInt8](bytes), file: file)
    }

    /// Reads the model from bytes in memory; `file` names the source in errors.
    static func parse(_ bytes: [UInt8], file: String) throws(FacesError) -> ShapeModel {
        let result: Result<ShapeModel, FacesError> = bytes.withUnsafeBufferPointer { buffer in
            var decoder = DlibDecoder(buffer, file: file)
            do throws(FacesError) { return .success(try decode(&decoder)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// shape_predictor's `deserialize`: version (1), initial_shape, forests, anchor_idx, deltas; then
    /// the checks dlib leaves to its callers' good faith (every index in range, leaf vectors as long
    /// as the shape), so evaluation never reads out of bounds.
    private static func decode(_ d: inout DlibDecoder) throws(FacesError) -> ShapeModel {
        let version = try d.signed("the version", bytes: 4)
        guard version == 1 else { throw d.error("version \(version), not 1", at: 0) }

        let shapeStart = d.offset
        let initialShape = try d.floatColumn("initial_shape")
        guard initialShape.count >= 4 && initialShape.count % 2 == 0 else {
            throw d.error("initial_shape has \(initialShape.count) values, not an even number of at least 4 (two points)",
                          at: shapeStart)
        }

        // forests: vector<vector<regression_tree>>; a tree is vector<split_feature> then
        // vector<matrix<float,0,1>> (its leaves). The smallest tree is two empty vectors.
        var trees: [Tree] = [], forestTrees: [Range<Int>] = []
        var pixel1: [Int32] = [], pixel2: [Int32] = [], thresholds: [Float] = [], leaves: [Float] = []
        let forestCount = try d.count("forests", minimumBytesEach: DlibDecoder.integerBytes)
        for level in 0..<forestCount {
            let treeCount = try d.count("forest \(level)", minimumBytesEach: 2 * DlibDecoder.integerBytes)
            let first = trees.count
            for t in 0..<treeCount {
                let treeStart = d.offset
                let splitCount = try d.count("the splits of tree \(t) of forest \(level)",
                                             minimumBytesEach: 2 * DlibDecoder.integerBytes + DlibDecoder.floatBytes)
                let firstSplit = pixel1.count
                for _ in 0..<splitCount {
                    let start = d.offset
                    let a = try d.unsigned("a split's idx1"), b = try d.unsigned("a split's idx2")
                    guard a <= UInt64(Int32.max), b <= UInt64(Int32.max) else {
                        throw d.error("a split's pixel index \(max(a, b)) is out of range", at: start)
                    }
                    pixel1.append(Int32(a))
                    pixel2.append(Int32(b))
                    thresholds.append(try d.float("a split's threshold"))
                }
                let leafCount = try d.count("the leaves of tree \(t) of forest \(level)",
                                            minimumBytesEach: 2 * DlibDecoder.integerBytes)
                // dlib walks 2i+1 / 2i+2 while i < splits, so the leaf reached is at most `splits`.
                guard leafCount == splitCount + 1 else {
                    throw d.error("tree \(t) of forest \(level) has \(splitCount) splits and \(leafCount) leaves, not \(splitCount + 1)",
                                  at: treeStart)
                }
                let firstLeafValue = leaves.count
                for leaf in 0..<leafCount {
                    let start = d.offset
                    let values = try d.floatColumn("a leaf")
                    guard values.count == initialShape.count else {
                        throw d.error("leaf \(leaf) of tree \(t) of forest \(level) has \(values.count) values, the shape \(initialShape.count)",
                                      at: start)
                    }
                    leaves.append(contentsOf: values)
                }
                trees.append(Tree(firstSplit: firstSplit, splitCount: splitCount, firstLeafValue: firstLeafValue))
            }
            forestTrees.append(first..<trees.count)
        }

        // anchor_idx: vector<vector<unsigned long>>, one per forest.
        let anchorStart = d.offset
        let anchorLists = try d.count("anchor_idx", minimumBytesEach: DlibDecoder.integerBytes)
        guard anchorLists == forestCount else {
            throw d.error("anchor_idx has \(anchorLists) lists for \(forestCount) forests", at: anchorStart)
        }
        var anchors: [[Int]] = []
        for level in 0..<anchorLists {
            let n = try d.count("anchor_idx[\(level)]", minimumBytesEach: DlibDecoder.integerBytes)
            var list = [Int](repeating: 0, count: n)
            for i in 0..<n {
                let start = d.offset
                let anchor = try d.unsigned("an anchor index")
                guard anchor < UInt64(initialShape.count / 2) else {
                    throw d.error("anchor \(anchor) of forest \(level) is not one of the \(initialShape.count / 2) points", at: start)
                }
                list[i] = Int(anchor)
            }
            anchors.append(list)
        }

        // deltas: vector<vector<vector<float,2>>>, one offset per anchor.
        let deltaStart = d.offset
        let deltaLists = try d.count("deltas", minimumBytesEach: DlibDecoder.integerBytes)
        guard deltaLists == forestCount else {
            throw d.error("deltas has \(deltaLists) lists for \(forestCount) forests", at: deltaStart)
        }
        var levels: [Level] = []
        for level in 0..<deltaLists {
            let listStart = d.offset
            let n = try d.count("deltas[\(level)]", minimumBytesEach: 2 * DlibDecoder.floatBytes)
            guard n == anchors[level].count else {
                throw d.error("deltas[\(level)] has \(n) offsets for \(anchors[level].count) anchors", at: listStart)
            }
            var deltas = [Float](repeating: 0, count: 2 * n)
            for i in 0..<(2 * n) { deltas[i] = try d.float("a pixel offset") }
            for tree in trees[forestTrees[level]] {
                let splits = tree.firstSplit..<(tree.firstSplit + tree.splitCount)
                if let bad = splits.first(where: { Int(pixel1[$0]) >= n || Int(pixel2[$0]) >= n }) {
                    throw d.error("a split of forest \(level) compares pixel \(max(pixel1[bad], pixel2[bad])) of \(n)",
                                  at: listStart)
                }
            }
            levels.append(Level(anchors: anchors[level], deltas: deltas, trees: forestTrees[level]))
        }
        if d.remaining > 0 { throw d.error("\(d.remaining) bytes follow the model") }
        return ShapeModel(initialShape: initialShape, levels: levels, trees: trees, splitPixel1: pixel1,
                          splitPixel2: pixel2, splitThreshold: thresholds, leafValues: leaves)
    }
}
