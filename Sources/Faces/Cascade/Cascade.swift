/// A boosted cascade of decision trees as OpenCV's CascadeClassifier holds it once read
/// (cascadedetect.hpp's `Data`): stages of trees over Haar or LBP features on a fixed window.
///
/// Everything here was checked when read (indices, counts, rectangles inside the window), so
/// evaluation can index without further checks and never traps on a hostile file.
struct Cascade: Sendable {
    struct Stage: Sendable {
        /// The stage's first tree in `treeNodeCounts` and its tree count.
        var firstTree: Int
        var treeCount: Int
        /// The file's threshold as a Float, less OpenCV's 1e-5 (`THRESHOLD_EPS`), so a window that
        /// scores exactly the threshold still passes.
        var threshold: Float
    }

    /// One split. `left`/`right` > 0 is another node of the same tree (always a later one);
    /// <= 0 is the leaf `-child` of the tree.
    struct Node: Sendable {
        var feature: Int
        /// Haar: go left when the normalised feature value is below it. Unused for LBP.
        var threshold: Float
        var left: Int
        var right: Int
    }

    /// A Haar feature: up to three weighted rectangles, upright or tilted by 45 degrees.
    struct HaarFeature: Sendable {
        struct Rectangle: Sendable {
            var x: Int32, y: Int32, width: Int32, height: Int32
            var weight: Float
        }
        /// Always three; unused ones are empty with weight 0, as OpenCV keeps them.
        var rectangles: [Rectangle]
        var tilted: Bool
    }

    /// An LBP feature: a 3x3 grid of blocks of this size, the grid's top-left at (x, y).
    struct LBPFeature: Sendable {
        var x: Int32, y: Int32, width: Int32, height: Int32
    }

    enum Features: Sendable {
        case haar([HaarFeature])
        case lbp([LBPFeature])
    }

    /// The window the cascade was trained on, in pixels.
    var windowWidth: Int
    var windowHeight: Int
    var stages: [Stage]
    /// Nodes per tree, trees in stage order.
    var treeNodeCounts: [Int]
    /// All trees' nodes, one tree after another.
    var nodes: [Node]
    /// All trees' leaves, one tree after another: `nodeCount + 1` per tree.
    var leaves: [Float]
    /// LBP only: `subsetWords` 32-bit words per node (sign-extended, as the file writes them), bit c
    /// set when LBP code c goes left.
    var subsets: [Int]
    var subsetWords: Int
    var features: Features

    /// Whether some Haar feature is tilted, so the tilted integral image is needed.
    var needsTiltedIntegral: Bool {
        if case .haar(let features) = features { return features.contains { $0.tilted } }
        return false
    }
}
