/// What a dlib `shape_predictor` holds (dlib/image_processing/shape_predictor.h), flattened into
/// arrays: an initial shape in the face rectangle's unit square, then a cascade of levels, each a
/// forest of regression trees over the intensities of pixels placed relative to the shape.
struct ShapeModel: Sendable {
    /// The mean shape, x and y per point, in the rectangle's unit square (0,0 top-left, 1,1 bottom-right).
    let initialShape: [Float]

    /// One level of the cascade: its feature pixels and its trees.
    struct Level: Sendable {
        /// Per feature pixel, the initial-shape point it hangs from.
        let anchors: [Int]
        /// Per feature pixel, its offset (x, y) from that point in the initial shape.
        let deltas: [Float]
        /// The level's trees, indices into `ShapeModel.trees`.
        let trees: Range<Int>
    }

    /// A regression tree: `splitCount` splits stored from `firstSplit`, then `splitCount + 1` leaves
    /// of `initialShape.count` values each, stored from `firstLeafValue`.
    struct Tree: Sendable {
        let firstSplit: Int
        let splitCount: Int
        let firstLeafValue: Int
    }

    let levels: [Level]
    let trees: [Tree]
    /// Per split: the two feature pixels compared and the threshold their difference must exceed
    /// for the left child.
    let splitPixel1: [Int32]
    let splitPixel2: [Int32]
    let splitThreshold: [Float]
    /// Every tree's leaves, one after another.
    let leafValues: [Float]

    var pointCount: Int { initialShape.count / 2 }
}
