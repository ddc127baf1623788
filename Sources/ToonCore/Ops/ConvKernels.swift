/// The three GEMM-based convolution kernels: forward, input gradient (= transposed convolution),
/// weight gradient. They share `ConvGeometry` and the tiled column buffers of `ConvColumns`.
/// All threading goes through `Parallel`; BLAS itself is single-threaded (see `BLAS`).
enum ConvKernels {
    /// One unit of column work: `images` images from `first`, output rows `rows`, of one group.
    struct Tile {
        let group: Int
        let first: Int
        let images: Int
        let rows: Range<Int>
    }

    /// The tiles of a convolution in order. Bands within an image are of near-equal height, and
    /// their count is rounded up to a multiple of the worker count so the workers finish together.
    static func tiles(_ g: ConvGeometry, _ tiling: ConvTiling) -> [Tile] {
        var bands = (g.outH + tiling.rowsPerBand - 1) / tiling.rowsPerBand
        let workers = Parallel.workerCount
        // A single image is cut into a band per worker only where each band is wide enough to be a
        // worker's tile; narrower bands would run one after another, each reading all the weights.
        let splitsWell = g.outH * g.outW >= workers * minimumParallelTileColumns
        if bands > 1 || (g.n == 1 && splitsWell) {
            bands = Swift.min(g.outH, (bands + workers - 1) / workers * workers)
        }
        // Batched small images: as many steps as a multiple of the workers, equally filled
        // (4 images at 3 per step would leave one worker a third of the work).
        var perStep = tiling.imagesPerStep
        let steps = (g.n + perStep - 1) / perStep
        if perStep > 1 && steps > 1 {
            let balanced = (steps + workers - 1) / workers * workers
            perStep = (g.n + balanced - 1) / balanced
        }
        var tiles: [Tile] = []
        for group in 0..<g.groups {
            for first in stride(from: 0, to: g.n, by: perStep) {
                let images = Swift.min(perStep, g.n - first)
                for band in 0..<bands {
                    tiles.append(Tile(group: group, first: first, images: images,
                                      rows: (g.outH * band / bands)..<(g.outH * (band + 1) / bands)))
                }
            }
        }
        return tiles
    }

    /// Column tiles narrower than this are not worth a worker of their own: a single tile's GEMM
    /// is split across the workers instead.
    static let minimumParallelTileColumns = 256

    /// y[n, cout, outH, outW] = conv(x, w). With `inputScale` ([n, cin]) each input channel is
    /// scaled per image on its way into the columns; `epilogue` rewrites each output tile in cache.
    /// Geometries `ConvWinograd` takes go there (with `winogradWeights` when the caller has them),
    /// unless a `tiling` asks for the GEMM path.
    ///
    /// Wide layers hand whole tiles to workers (each its own column buffer, column copy and
    /// single-threaded GEMM, no barrier between them); small layers run tile by tile with the
    /// copy and the GEMM each split across the workers.
    static func forward(x: UnsafePointer<Float>, w: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, _ g: ConvGeometry,
                        tiling: ConvTiling? = nil, inputScale: UnsafePointer<Float>? = nil, epilogue: EpilogueKernel? = nil,
                        winogradWeights: UnsafePointer<Float>? = nil) {
        let inImage = g.cin * g.h * g.w, outImage = g.cout * g.outH * g.outW, pixels = g.outH * g.outW
        let wGroup = g.coutPerGroup * g.patchSize
        if g.isPointwise && inputScale == nil {
            for image in 0..<g.n {
                for group in 0..<g.groups {
                    BLAS.sgemm(transA: false, transB: false, m: g.coutPerGroup, n: pixels, k: g.cinPerGroup,
                               a: w + group * wGroup, lda: g.cinPerGroup,
                               b: x + image * inImage + group * g.cinPerGroup * pixels, ldb: pixels,
                               c: y + image * outImage + group * g.coutPerGroup * pixels, ldc: pixels)
                }
            }
            epilogue?.apply(y, images: 0..<g.n, channels: 0..<g.cout, pixels: 0..<pixels, planePixels: pixels)
            return
        }
        if tiling == nil && ConvWinograd.applies(g) {
            withWinogradWeights(winogradWeights, floats: 16 * g.cout * g.cin,
                                transform: { ConvWinograd.transformWeights(w, cout: g.cout, cin: g.cin, into: $0) }) {
                ConvWinograd.forward(x: x, u: $0, y: y, g, inputScale: inputScale, epilogue: epilogue)
            }
            return
        }
        let tiling = tiling ?? ConvTiling(g)
        let tiles = Self.tiles(g, tiling)
        let maxColumns = tiles.map { $0.images * $0.rows.count * g.outW }.max() ?? 0
        let parallelTiles = tiles.count >= Parallel.workerCount && Parallel.workerCount > 1 && !Parallel.isInsideLoop
            && maxColumns >= minimumParallelTileColumns
        let buffers = parallelTiles ? Swift.min(Parallel.workerCount, tiles.count) : 1
        let staged = tiling.imagesPerStep > 1
        ScratchBuffers.with(count: buffers, floats: [g.patchSize * maxColumns, staged ? g.coutPerGroup * maxColumns : 0]) { scratch in
            let (cols, staging) = (scratch[0], staged ? scratch[1] : nil)
            let x = UncheckedSendable(x), w = UncheckedSendable(w), y = UncheckedSendable(y)
            let scale = UncheckedSendable(inputScale)

            func run(_ tile: Tile, buffer: Int) {
                let (x, w, y) = (x.value, w.value, y.value)
                let cols = cols[buffer]
                let width = tile.images * tile.rows.count * g.outW
                let channels = (tile.group * g.coutPerGroup)..<((tile.group + 1) * g.coutPerGroup)
                ConvColumns.gather(x + tile.first * inImage, images: tile.images, imageStride: inImage,
                                   channelStart: tile.group * g.cinPerGroup, rows: tile.rows, geometry: g,
                                   scale: scale.value.map { $0 + tile.first * g.cin }, into: cols)
                let outBase = y + tile.first * outImage + channels.lowerBound * pixels + tile.rows.lowerBound * g.outW
                if let staging {
                    let staging = staging[buffer]
                    BLAS.sgemm(transA: false, transB: false, m: g.coutPerGroup, n: width, k: g.patchSize,
                               a: w + tile.group * wGroup, lda: g.patchSize, b: cols, ldb: width, c: staging, ldc: width)
                    // Staging holds [cout, image, pixel]; the output wants [image, cout, pixel].
                    let perImage = tile.rows.count * g.outW
                    for image in 0..<tile.images {
                        for o in 0..<g.coutPerGroup {
                            (outBase + image * outImage + o * pixels)
                                .update(from: staging + o * width + image * perImage, count: perImage)
                        }
                    }
                } else {
                    BLAS.sgemm(transA: false, transB: false, m: g.coutPerGroup, n: width, k: g.patchSize,
                               a: w + tile.group * wGroup, lda: g.patchSize, b: cols, ldb: width, c: outBase, ldc: pixels)
                }
                epilogue?.apply(y, images: tile.first..<(tile.first + tile.images), channels: channels,
                                pixels: (tile.rows.lowerBound * g.outW)..<(tile.rows.upperBound * g.outW), planePixels: pixels)
            }

            if parallelTiles {
                Parallel.forEachTask(tiles.count, workers: buffers) { worker, index in run(tiles[index], buffer: worker) }
            } else {
                for tile in tiles { run(tile, buffer: 0) }
            }
        }
    }

    /// gx[n, cin, h, w] = adjoint of `forward` in x applied to gy (a transposed convolution).
    /// Each tile's GEMM and scatter are split by input channel across the workers: every worker
    /// computes the column rows of its channels and adds them into its own (disjoint) planes.
    /// The input gradient of 3x3 same convolutions goes to `ConvWinograd`, with `winogradWeights`
    /// (its transformed weights) when the caller has them, unless a `tiling` asks for the GEMM path.
    /// Stride-2 transposed convolutions that `ConvWinogradUp` takes are sent there before this
    /// (`Tensor.convolutionInputGradient`), since its transform reads a weight view where it lies.
    static func backwardInput(gy: UnsafePointer<Float>, w: UnsafePointer<Float>, gx: UnsafeMutablePointer<Float>, _ g: ConvGeometry,
                              tiling: ConvTiling? = nil, winogradWeights: UnsafePointer<Float>? = nil) {
        let inImage = g.cin * g.h * g.w, outImage = g.cout * g.outH * g.outW, pixels = g.outH * g.outW
        let wGroup = g.coutPerGroup * g.patchSize
        if tiling == nil, let gradient = ConvWinograd.inputGradientGeometry(g) {
            withWinogradWeights(winogradWeights, floats: 16 * g.cout * g.cin,
                                transform: { ConvWinograd.transformInputGradientWeights(w, cout: g.cout, cin: g.cin, into: $0) }) {
                ConvWinograd.forward(x: gy, u: $0, y: gx, gradient)
            }
            return
        }
        if g.isPointwise {
            for image in 0..<g.n {
                for group in 0..<g.groups {
                    BLAS.sgemm(transA: true, transB: false, m: g.cinPerGroup, n: pixels, k: g.coutPerGroup,
                               a: w + group * wGroup, lda: g.cinPerGroup,
                               b: gy + image * outImage + group * g.coutPerGroup * pixels, ldb: pixels,
                               c: gx + image * inImage + group * g.cinPerGroup * pixels, ldc: pixels)
                }
            }
            return
        }
        let zero = UncheckedSendable(gx)
        Parallel.forEach(g.n * inImage, grain: 1 << 18) { range in
            (zero.value + range.lowerBound).update(repeating: 0, count: range.count)
        }
        let tiling = tiling ?? ConvTiling(g)
        let taps = g.kh * g.kw
        let maxColumns = tiling.imagesPerStep * tiling.rowsPerBand * g.outW
        let staged = tiling.imagesPerStep > 1
        ScratchBuffers.with(count: 1, floats: [g.patchSize * maxColumns, staged ? g.coutPerGroup * maxColumns : 0]) { scratch in
            let (cols, staging) = (scratch[0], staged ? scratch[1] : nil)
            let chunks = Parallel.isInsideLoop ? 1 : Swift.min(Parallel.workerCount, g.cinPerGroup)
            let w = UncheckedSendable(w), gxShared = UncheckedSendable(gx)
            for group in 0..<g.groups {
                for first in stride(from: 0, to: g.n, by: tiling.imagesPerStep) {
                    let images = Swift.min(tiling.imagesPerStep, g.n - first)
                    for top in stride(from: 0, to: g.outH, by: tiling.rowsPerBand) {
                        let rows = top..<Swift.min(g.outH, top + tiling.rowsPerBand)
                        let width = images * rows.count * g.outW
                        let gyBase = gy + first * outImage + group * g.coutPerGroup * pixels + top * g.outW
                        var b = UncheckedSendable(gyBase), ldb = pixels
                        if let staging {
                            let staging = staging[0]
                            for image in 0..<images {
                                for o in 0..<g.coutPerGroup {
                                    (staging + o * width + image * rows.count * g.outW)
                                        .update(from: gyBase + image * outImage + o * pixels, count: rows.count * g.outW)
                                }
                            }
                            (b, ldb) = (UncheckedSendable(UnsafePointer(staging)), width)
                        }
                        let colsBase = UncheckedSendable(cols[0])
                        func part(_ channels: Range<Int>) {
                            BLAS.sgemm(transA: true, transB: false, m: channels.count * taps, n: width, k: g.coutPerGroup,
                                       a: w.value + group * wGroup + channels.lowerBound * taps, lda: g.patchSize,
                                       b: b.value, ldb: ldb, c: colsBase.value + channels.lowerBound * taps * width, ldc: width)
                            ConvColumns.scatterAdd(colsBase.value, images: images, imageStride: inImage,
                                                   channelStart: group * g.cinPerGroup, rows: rows, geometry: g,
                                                   channels: channels, into: gxShared.value + first * inImage)
                        }
                        if chunks == 1 {
                            part(0..<g.cinPerGroup)
                        } else {
                            Parallel.forEachTask(chunks, workers: chunks) { _, chunk in
                                part((g.cinPerGroup * chunk / chunks)..<(g.cinPerGroup * (chunk + 1) / chunks))
                            }
                        }
                    }
                }
            }
        }
    }

    /// gw[cout, cin/groups, kh, kw] = adjoint of `forward` in w, given x and gy.
    static func backwardWeight(x: UnsafePointer<Float>, gy: UnsafePointer<Float>, gw: UnsafeMutablePointer<Float>, _ g: ConvGeometry, tiling: ConvTiling? = nil) {
        let inImage = g.cin * g.h * g.w, outImage = g.cout * g.outH * g.outW, pixels = g.outH * g.outW
        let wGroup = g.coutPerGroup * g.patchSize
        gw.update(repeating: 0, count: g.cout * g.patchSize)
        if g.isPointwise {
            for image in 0..<g.n {
                for group in 0..<g.groups {
                    BLAS.sgemm(transA: false, transB: true, m: g.coutPerGroup, n: g.cinPerGroup, k: pixels,
                               a: gy + image * outImage + group * g.coutPerGroup * pixels, lda: pixels,
                               b: x + image * inImage + group * g.cinPerGroup * pixels, ldb: pixels,
                               beta: 1, c: gw + group * wGroup, ldc: g.cinPerGroup)
                }
            }
            return
        }
        let tiling = tiling ?? ConvTiling(g)
        let maxColumns = tiling.imagesPerStep * tiling.rowsPerBand * g.outW
        let staged = tiling.imagesPerStep > 1
        // One task per (group, image step, band of rows).
        var tasks: [(group: Int, first: Int, rows: Range<Int>)] = []
        for group in 0..<g.groups {
            for first in stride(from: 0, to: g.n, by: tiling.imagesPerStep) {
                for top in stride(from: 0, to: g.outH, by: tiling.rowsPerBand) {
                    tasks.append((group, first, top..<Swift.min(g.outH, top + tiling.rowsPerBand)))
                }
            }
        }
        // With enough tasks, whole tasks go to separate workers, each summing into its own gw: two
        // parallel loops per band (gather, then GEMM) cost more in wake-ups than small bands carry.
        let workers = Parallel.workers(forTasks: tasks.count)
        let size = g.cout * g.patchSize
        let floats = [g.patchSize * maxColumns, staged ? g.coutPerGroup * maxColumns : 0, workers > 1 ? size : 0]
        ScratchBuffers.with(count: workers, floats: floats) { scratch in
            let x = UncheckedSendable(x), gy = UncheckedSendable(gy)
            func run(_ task: (group: Int, first: Int, rows: Range<Int>), worker: Int, into sum: UnsafeMutablePointer<Float>) {
                let (x, gy) = (x.value, gy.value)
                let cols = scratch[0][worker], staging = staged ? scratch[1][worker] : nil
                let images = Swift.min(tiling.imagesPerStep, g.n - task.first)
                let width = images * task.rows.count * g.outW
                ConvColumns.gather(x + task.first * inImage, images: images, imageStride: inImage,
                                   channelStart: task.group * g.cinPerGroup, rows: task.rows, geometry: g, into: cols)
                let gyBase = gy + task.first * outImage + task.group * g.coutPerGroup * pixels + task.rows.lowerBound * g.outW
                if let staging {
                    for image in 0..<images {
                        for o in 0..<g.coutPerGroup {
                            (staging + o * width + image * pixels)
                                .update(from: gyBase + image * outImage + o * pixels, count: pixels)
                        }
                    }
                    BLAS.sgemm(transA: false, transB: true, m: g.coutPerGroup, n: g.patchSize, k: width,
                               a: staging, lda: width, b: cols, ldb: width, beta: 1, c: sum + task.group * wGroup, ldc: g.patchSize)
                } else {
                    BLAS.sgemm(transA: false, transB: true, m: g.coutPerGroup, n: g.patchSize, k: width,
                               a: gyBase, lda: pixels, b: cols, ldb: width, beta: 1, c: sum + task.group * wGroup, ldc: g.patchSize)
                }
            }
            guard workers > 1 else {
                for task in tasks { run(task, worker: 0, into: gw) }
                return
            }
            let sums = scratch[2]
            for worker in 0..<workers { sums[worker].update(repeating: 0, count: size) }
            // Added in worker order, the workers' sums give the same result on every run.
            Parallel.forEachTaskByWorker(tasks.count, workers: workers) { worker, task in
                run(tasks[task], worker: worker, into: sums[worker])
            }
            for worker in 0..<workers {
                let part = sums[worker]
                for j in 0..<size { gw[j] += part[j] }
            }
        }
    }
}

extension ConvKernels {
    /// `run` with the caller's transformed Winograd weights, or with `floats` of scratch space that
    /// `transform` fills (callers without a weight tensor to keep them with).
    static func withWinogradWeights(_ given: UnsafePointer<Float>?, floats: Int,
                                    transform: (UnsafeMutablePointer<Float>) -> Void, _ run: (UnsafePointer<Float>) -> Void) {
        if let given { run(given); return }
        ScratchBuffers.with(count: 1, floats: [floats]) { scratch in
            let weights = scratch[0][0]
            transform(weights)
            run(weights)
        }
    }
}

/// Per-worker scratch space (column buffers, transformed tiles), from the storage pool so large
/// layers do not pay fresh page faults on every call. Only `with` hands it out, to a closure that
/// owns the blocks' lifetime: a pointer taken from an object can outlive the object's last use,
/// where ARC may free it; one used inside the closure cannot.
struct ScratchBuffers: @unchecked Sendable {
    private let pointers: [UnsafeMutablePointer<Float>]

    /// `body` with, for each size in `sizes`, `count` buffers of that many floats (none for size 0),
    /// valid only while `body` runs.
    static func with<R>(count: Int, floats sizes: [Int], _ body: ([ScratchBuffers]) throws -> R) rethrows -> R {
        let storages = sizes.map { floats in
            floats > 0 ? (0..<count).map { _ in TensorStorage(uninitializedCount: floats) } : []
        }
        return try withExtendedLifetime(storages) {
            try body(storages.map { ScratchBuffers(pointers: $0.map(\.pointer)) })
        }
    }

    subscript(index: Int) -> UnsafeMutablePointer<Float> { pointers[index] }
}
