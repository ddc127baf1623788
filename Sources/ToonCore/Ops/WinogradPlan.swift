import CKernels
/// How a Winograd convolution's output tiles are cut into units of work, and the loop that hands
/// those units to workers, each with its own transformed-input (V) and product (M) buffers. Shared
/// by `ConvWinograd` (3x3 convolutions) and `ConvWinogradUp` (stride-2 transposed convolutions).
enum WinogradPlan {
    /// Floats of V (and of M) per task at most: 8 MB, however large the image.
    static let budget = 2 << 20
    /// Tiles per band wanted: GEMMs this wide run at full speed, and the few-channel layers of large
    /// images keep V and M small enough to stay in cache (measured: 1024 px generator 3-5% faster
    /// than with budget-sized bands).
    static let bandTiles = 512

    /// One unit of work: tile rows `band` of each image in `images` (several images only when the
    /// band is the whole image).
    struct Task: Equatable {
        let images: Range<Int>
        let band: Range<Int>
    }

    /// Bands of tile rows per image: about `bandTiles` tiles, fewer where the budget says so, and
    /// for a single image at least one per worker so every worker has a band of its own.
    /// `floatsPerTile` is what one tile needs in V or M, whichever is larger.
    static func bands(images: Int, tilesY: Int, tilesX: Int, floatsPerTile: Int, budget: Int = WinogradPlan.budget) -> [Range<Int>] {
        let rows = Swift.max(1, Swift.min(tilesY, budget / (floatsPerTile * tilesX), (bandTiles + tilesX - 1) / tilesX))
        var count = (tilesY + rows - 1) / rows
        if images * count < Parallel.workerCount {
            count = Swift.min(tilesY, (Parallel.workerCount + images - 1) / images)
        }
        return (0..<count).map { (tilesY * $0 / count)..<(tilesY * ($0 + 1) / count) }
    }

    /// The tasks in order: bands of every image, or groups of whole images (so small images share
    /// one GEMM) as large as the budget allows, in a multiple of the worker count where there are
    /// enough images.
    static func tasks(images: Int, tilesY: Int, tilesX: Int, floatsPerTile: Int, budget: Int = WinogradPlan.budget) -> [Task] {
        let bands = Self.bands(images: images, tilesY: tilesY, tilesX: tilesX, floatsPerTile: floatsPerTile, budget: budget)
        guard bands.count == 1 && images > 1 else {
            return (0..<images).flatMap { image in bands.map { Task(images: image..<(image + 1), band: $0) } }
        }
        let fit = Swift.max(1, Swift.min(images, budget / (floatsPerTile * tilesY * tilesX)))
        let workers = Parallel.workerCount
        let groups = Swift.min(images, ((images + fit - 1) / fit + workers - 1) / workers * workers)
        return (0..<groups).map { Task(images: (images * $0 / groups)..<(images * ($0 + 1) / groups), band: bands[0]) }
    }

    /// `body` with the transformed form of `weight` (`floats` floats that `transform` writes from the
    /// weight's elements). Kept with the weight's storage under `name` (`Tensor.derived`): generators
    /// convolve with the same weights on every call. Weights being trained change every step, so
    /// theirs are transformed for this call only. A transform that reads strides (`readsViews`) gets
    /// a view's elements where they lie, if each 3x3 kernel is dense; others get dense weights.
    static func withTransformedWeights<R>(_ weight: Tensor, name: String, floats: Int, readsViews: Bool = false,
                                          transform: @escaping (UnsafePointer<Float>, [Int], UnsafeMutablePointer<Float>) -> Void,
                                          _ body: (UnsafePointer<Float>) -> R) -> R {
        let make = { (w: Tensor) -> Tensor in
            let w = readsViews && w.strides.suffix(2) == [w.shape[3], 1] ? w : w.contiguousValues()
            var u = Tensor(uninitializedShape: [floats])
            w.withUnsafeStridedElements { pw, strides in u.withUnsafeMutableBufferPointer { transform(pw, strides, $0.baseAddress!) } }
            return u
        }
        let u = weight.requiresGrad ? make(weight) : weight.derived(name, make)
        return u.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// Runs `body(task, worker, v, m)` for every task: on `Parallel.workers(forTasks:)` workers, or
    /// one task after another (each then splits its own loops and GEMMs across the workers). `v` and
    /// `m` hold `vFloats` and `mFloats` floats, private to the worker `worker`. Task t always goes to
    /// worker t % workers (`Parallel.forEachTaskByWorker`), so what a worker sums over its tasks, as
    /// the weight gradient does, comes out the same on every run. Tasks that are `independent` (each
    /// writes its own outputs and sums nothing across tasks) are handed to whichever worker is free
    /// (`Parallel.forEachTask`) instead: when another process takes a core from one worker, as the
    /// video encoder does beside `toon stylize`, the other carries on rather than waiting at the end.
    static func run(_ tasks: [Task], vFloats: Int, mFloats: Int, independent: Bool = false,
                    _ body: (Task, Int, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
        let workers = Parallel.workers(forTasks: tasks.count)
        ScratchBuffers.with(count: workers, floats: [vFloats, mFloats]) { scratch in
            let (v, m) = (scratch[0], scratch[1])
            if independent {
                Parallel.forEachTask(tasks.count, workers: workers) { worker, task in
                    body(tasks[task], worker, v[worker], m[worker])
                }
            } else {
                Parallel.forEachTaskByWorker(tasks.count, workers: workers) { worker, task in
                    body(tasks[task], worker, v[worker], m[worker])
                }
            }
        }
    }

    /// Input row `row` of `plane` (zero outside the image), times `factor`, split by column:
    /// even[j] = x[row, 2j - 1] and odd[j] = x[row, 2j] (odd = even + padded), zero outside the row,
    /// so a tile's columns 2t - 1, 2t, 2t + 1, ... are even[t], odd[t], even[t + 1], ...
    @inline(__always) static func splitRow(_ plane: UnsafePointer<Float>, row: Int, height: Int, width: Int, factor: Float,
                                           into even: UnsafeMutablePointer<Float>, padded: Int, level: Int32) {
        guard row >= 0 && row < height else { even.update(repeating: 0, count: 2 * padded); return }
        toon_split_row(level, plane + row * width, width, factor, even, even + padded, padded)
    }

    /// As `splitRow` for a convolution without padding, whose tiles start on even columns:
    /// even[j] = x[row, 2j] and odd[j] = x[row, 2j + 1]. The row is the one after the first
    /// sample split as `splitRow` splits, with that first sample as even[0]; `width` is even
    /// (the output width, width - 2, is), so no zeros are needed.
    @inline(__always) static func splitValidRow(_ plane: UnsafePointer<Float>, row: Int, width: Int, factor: Float,
                                                into even: UnsafeMutablePointer<Float>, padded: Int, level: Int32) {
        let start = plane + row * width
        toon_split_row(level, start + 1, width - 1, factor, even, even + padded, padded)
        even[0] = start[0] * factor
    }
}
