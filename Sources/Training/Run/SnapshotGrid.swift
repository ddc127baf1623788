import ToonCore

/// The reals of reals.png and, in a conditional run, the labels the fakes grids draw each cell with.
/// Unconditional: the first images, in order. Conditional (NVLabs' setup_snapshot_image_grid): one label
/// per row, labels in NVLabs' order (sorted on the reversed label vector, which puts one-hot classes in
/// class order) and repeated when there are more rows than labels; each row shows that label's reals in
/// dataset order, carrying on where its last row stopped. So row k of every fakes grid is the class of
/// row k of reals.png.
struct SnapshotGrid: Sendable {
    static let columns = 8
    /// The dataset image shown in each cell.
    let indices: [Int]
    let conditional: Bool

    /// `labels`: every image's label [count, cDim] in a conditional run, nil otherwise.
    init(imageCount: Int, labels: Tensor?, cells: Int, columns: Int) {
        conditional = labels != nil
        guard let table = labels else {
            indices = Array(0..<min(cells, imageCount))
            return
        }
        let d = table.shape[1]
        let values = table.scalars
        var groups: [[Float]: [Int]] = [:]
        for i in 0..<imageCount { groups[Array(values[(i * d)..<((i + 1) * d)].reversed()), default: []].append(i) }
        let order = groups.keys.sorted { $0.lexicographicallyPrecedes($1) }
        var next = [Int](repeating: 0, count: order.count)
        var cellsLeft = cells, row = 0, picked: [Int] = []
        while cellsLeft > 0 {
            let g = row % order.count, members = groups[order[g]]!
            let width = min(columns, cellsLeft)
            picked += (0..<width).map { members[(next[g] + $0) % members.count] }
            next[g] = (next[g] + columns) % members.count
            cellsLeft -= width
            row += 1
        }
        indices = picked
    }

    /// The label [1, cDim] of a fakes-grid cell (that of the real in the same cell); nil when unconditional.
    func labels(cell: Int, data: any TrainingImages) -> Tensor? {
        conditional ? data.labels([indices[cell % indices.count]]) : nil
    }
}
