import ArgumentParser
import Foundation
import StyleGAN
import ToonCore
import ToonIO

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate images from seeds (or from projected w files).",
        discussion: """
            Same seed, same face as NVLabs' generate.py with the same network: z comes
            from numpy.random.RandomState(seed). Files are named seed0042.png; --grid puts
            them in one grid.png.

            Examples:
              toon generate --network ffhq.pkl --seeds 0-7 --trunc 0.7 --outdir out
              toon generate --network anime.pt --seeds 1-16 --grid 4x4 --outdir out
              toon generate --network model.safetensors --projected-w me.npy \\
                  --outdir out
              toon generate --network stylegan3-t-ffhqu-256.pkl --seeds 0-3 \\
                  --translate 0.3,-0.2 --rotate 10 --outdir out
            """
    )

    @OptionGroup var network: NetworkOption
    @Option(parsing: .unconditional, help: ArgumentHelp("Seeds, e.g. 0-99,120.", valueName: "list")) var seeds: String?
    @Option(name: .customLong("projected-w"), help: ArgumentHelp("A .npy of w or w+ ([numWs, wDim] or [N, numWs, wDim]) to render instead of seeds.", valueName: "file"),
            completion: .file(extensions: ["npy"]))
    var projectedW: String?
    @OptionGroup var sampling: SamplingFlags
    @OptionGroup var transform: TransformOptions
    @Option(help: ArgumentHelp("Output folder (created if missing).", valueName: "dir"), completion: .directory) var outdir: String
    @Option(parsing: .unconditional, help: ArgumentHelp("Also compose all images into grid.png with R rows and C columns.", valueName: "RxC"))
    var grid: String?
    @Option(help: "File format of each image.") var format: ImageFileFormat = .png
    @Option(parsing: .unconditional, help: "Images generated together (faster per image on many CPUs; uses more memory).") var batch: Int = 1

    func validate() throws {
        if (seeds == nil) == (projectedW == nil) { throw ValidationError("give either --seeds or --projected-w") }
        if batch < 1 { throw ValidationError("--batch must be at least 1, got \(batch)") }
        if let seeds { _ = try parseSeeds(seeds) }
        if grid != nil && format == .npy { throw ValidationError("--grid makes an image; it cannot be combined with --format npy") }
        _ = try parseGrid(grid)
    }

    func run() throws {
        try reportingFailures {
            // The whole plan first: inputs, sizes, outputs. Nothing is generated or created before.
            var plan = RunPlan()
            try network.register(in: &plan)
            if let projectedW { try plan.read(projectedW) }
            let layout = try parseGrid(grid)
            let generator = try transform.apply(to: try network.load(), network: network.displayName)
            try sampling.check(against: generator, network: network.displayName)
            let projected = try projectedW.map { try ProjectedW.read($0, for: generator) }
            let seedList = try seeds.map { try parseSeeds($0) } ?? []
            let stems = projected.map { ws in (0..<ws.shape[0]).map { String(format: "proj%02d", $0) } } ?? seedList.map(seedFileStem)
            // Random noise is seeded by each image's seed, and projected ws render one by one.
            let batchSize = projected != nil || sampling.noiseMode == .random ? 1 : min(batch, stems.count)
            try GeneratePlan(count: stems.count, batch: batch, batchSize: batchSize, layout: layout, config: generator.config).check(plan)
            try plan.writeFolder(outdir, names: stems.map { "\($0).\(format.fileExtension)" } + (layout == nil ? [] : ["grid.png"]))
            let folder = try plan.createFolder(outdir)

            var cells: [RGBFrame] = []
            let save = { (stem: String, image: Tensor) throws in
                try format.write(image, to: folder.appendingPathComponent("\(stem).\(format.fileExtension)"))
                if layout != nil { cells.append(try RGBFrame(tensor: image)) }
            }
            if let ws = projected {
                let progress = ProgressLine("Rendering", total: ws.shape[0])
                for i in 0..<ws.shape[0] {
                    let image = withoutGradients { generator.synthesis(ws: ws.slice(axis: 0, i..<(i + 1)), noise: sampling.options(for: generator).noise) }
                    try save(stems[i], image)
                    progress.update(i + 1)
                }
                progress.finish("Rendered \(ws.shape[0]) images to \(outdir)")
            } else {
                let progress = ProgressLine("Generating", total: seedList.count)
                var done = 0
                try generator.generate(seeds: seedList, options: sampling.options(for: generator), batchSize: batchSize) { batchSeeds, images in
                    for (offset, seed) in batchSeeds.enumerated() {
                        try save(seedFileStem(seed), images.slice(axis: 0, offset..<(offset + 1)))
                    }
                    done += batchSeeds.count
                    progress.update(done)
                }
                progress.finish("Generated \(seedList.count) images to \(outdir)")
            }
            if let layout {
                let composed = try ImageGrid.compose(cells, layout: layout)
                try Image(frame: composed).write(to: folder.appendingPathComponent("grid.png"))
            }
        }
    }
}

/// The sizes `generate` will reach, checked against the image limits and the memory budget.
struct GeneratePlan {
    let count: Int
    let batch: Int
    let batchSize: Int
    let layout: GridLayout?
    let config: GeneratorConfig

    func check(_ plan: RunPlan) throws {
        let resolution = config.imageResolution
        let cellPixels = Double(resolution * resolution)
        // One image is written at a time; with --grid every image is also kept for the grid.
        var held = MemoryEstimate.writtenImage(pixels: cellPixels)
        if let layout {
            let cells = Double(layout.rows) * Double(layout.columns)
            if Double(count) > cells {
                throw UsageProblem("\(count) images do not fit a \(layout) grid of \(layout.rows * layout.columns) cells")
            }
            let what = "--grid \(layout)"
            try plan.requireImage(columns: layout.columns, rows: layout.rows, cell: resolution, for: what)
            held += Double(count) * cellPixels * 3 + MemoryEstimate.writtenImage(pixels: cells * cellPixels)
            try plan.requireMemory(held, for: what)
        }
        let perImage = MemoryEstimate.synthesis(config)
        let fitting = Int(max(0, (plan.budget.bytes - held) / perImage))
        try plan.requireMemory(held + Double(batchSize) * perImage, for: "--batch \(batch) at \(resolution)x\(resolution)",
                               hint: fitting >= 1 ? "at most --batch \(fitting) fits" : nil)
    }
}
