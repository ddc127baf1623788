extension CascadeFileReader {
    /// Reads a pre-2.4 `opencv-haar-classifier` cascade the way OpenCV 4 does: it converts the file
    /// to the new format in memory (cascadedetect_convert.cpp) and evaluates that. Every node gets a
    /// feature of its own, in file order; a tree's leaves are numbered in the order its nodes name
    /// them (left value, then right value); `parent` and `next` (the old stage trees) are ignored,
    /// so the stages run one after another. The values survive the conversion unchanged: OpenCV
    /// writes them back with enough digits to read the same float or double.
    mutating func oldHaarCascade(_ node: XMLElement) throws(FacesError) -> Cascade {
        let sizeElement = try required("size", in: node)
        let size = tokens(sizeElement)
        guard size.count == 2 else { throw badNumber(sizeElement, "expected width and height, found \(size.count) values") }
        let width = Int(try integer(size[0], in: sizeElement)), height = Int(try integer(size[1], in: sizeElement))
        guard (3...4096).contains(width), (3...4096).contains(height) else {
            throw invalid("window of \(width)x\(height) pixels")
        }
        var stages: [Cascade.Stage] = []
        var treeNodeCounts: [Int] = []
        var nodes: [Cascade.Node] = []
        var leaves: [Float] = []
        var features: [Cascade.HaarFeature] = []
        let stageList = try required("stages", in: node)
        guard !stageList.children.isEmpty else { throw invalid("no stages") }
        for (stageIndex, stageElement) in stageList.children.enumerated() {
            let thresholdElement = try required("stage_threshold", in: stageElement)
            let thresholdTokens = tokens(thresholdElement)
            guard thresholdTokens.count == 1 else {
                throw badNumber(thresholdElement, "expected one number, found \(thresholdTokens.count) values")
            }
            let threshold = Float(try real(thresholdTokens[0], in: thresholdElement)) - Float(1e-5)
            let trees = try required("trees", in: stageElement)
            guard !trees.children.isEmpty else { throw invalid("stage \(stageIndex) has no trees") }
            stages.append(Cascade.Stage(firstTree: treeNodeCounts.count, treeCount: trees.children.count, threshold: threshold))
            for tree in trees.children {
                let nodeCount = tree.children.count
                guard nodeCount > 0 else { throw invalid("a tree (line \(tree.line)) without nodes") }
                var treeLeaves: [Float] = []
                for (k, nodeElement) in tree.children.enumerated() {
                    let featureElement = try required("feature", in: nodeElement)
                    let rects = try required("rects", in: featureElement)
                    guard (1...3).contains(rects.children.count) else {
                        throw invalid("a Haar feature (line \(featureElement.line)) with \(rects.children.count) rectangles (1 to 3)")
                    }
                    let tilted = featureElement.child("tilted") == nil ? false
                        : try singleInteger("tilted", in: featureElement) != 0
                    var feature = try haarFeature(rectangles: rects, tilted: tilted, width: width, height: height)
                    // The converter leaves out a third rectangle of no weight, which reads back empty.
                    if abs(feature.rectangles[2].weight) < Float.ulpOfOne {
                        feature.rectangles[2] = .init(x: 0, y: 0, width: 0, height: 0, weight: 0)
                    }
                    let splitElement = try required("threshold", in: nodeElement)
                    let split = tokens(splitElement)
                    guard split.count == 1 else { throw badNumber(splitElement, "expected one number, found \(split.count) values") }
                    let children = try [("left_val", "left_node"), ("right_val", "right_node")].map { (value, next) throws(FacesError) -> Int in
                        if let leaf = nodeElement.child(value) {
                            let parts = tokens(leaf)
                            guard parts.count == 1 else { throw badNumber(leaf, "expected one number, found \(parts.count) values") }
                            treeLeaves.append(Float(try real(parts[0], in: leaf)))
                            return -(treeLeaves.count - 1)
                        }
                        let child = try singleInteger(next, in: nodeElement)
                        guard child > k && child < nodeCount else {
                            throw invalid("node \(k) of a \(nodeCount)-node tree (line \(nodeElement.line)) points to node \(child)")
                        }
                        return child
                    }
                    nodes.append(Cascade.Node(feature: features.count, threshold: Float(try real(split[0], in: splitElement)),
                                              left: children[0], right: children[1]))
                    features.append(feature)
                }
                guard treeLeaves.count == nodeCount + 1 else {
                    throw invalid("a tree (line \(tree.line)) with \(nodeCount) nodes and \(treeLeaves.count) leaves")
                }
                leaves += treeLeaves
                treeNodeCounts.append(nodeCount)
            }
        }
        return Cascade(windowWidth: width, windowHeight: height, stages: stages, treeNodeCounts: treeNodeCounts,
                       nodes: nodes, leaves: leaves, subsets: [], subsetWords: 0, features: .haar(features))
    }
}
