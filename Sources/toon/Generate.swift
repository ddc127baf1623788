import ArgumentParser
import Foundation
import StyleGAN
import ToonCore
import ToonIO

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate images from seeds (or from projected w files).",
        discussion: """
            Same seed, same face as NVLabs' generate.py with the same network: z comes from
            numpy.random.RandomState(seed). Files are named seed0042.png; --grid puts them in one grid.png.

            Examples:
              toon generate --network ffhq.pkl --seeds 0-7 --trunc 0.7 --outdir out
              toon generate --network anime.pt --seeds 1-16 --grid 4x4 --outdir out
              toon generate --network model.safetensors --projected-w me.npy --outdir out
            """
    )

    @OptionGroup var network: NetworkOption
    @Option(help: ArgumentHelp("Seeds, e.g. 0-99,120.", valueName: "list")) var seeds: String?
    @Option(name: .customLong("projected-w"), help: ArgumentHelp("A .npy of w or w+ ([numWs, wDim] or [N, numWs, wDim]) to render instead of seeds.", valueName: "file"))
    var projectedW: String?
    @OptionGroup var sampling: SamplingFlags
    @Option(help: ArgumentHelp("Output folder (created if missing).", valueName: "dir")) var outdir: String
    @Option(help: ArgumentHelp("Also compose all images into grid.png with R rows and C columns.", valueName: "RxC")) var grid: String?
    @Option(help: "File format of each image.") var format: ImageFileFormat = .png
    @Option(help: "Images generated together (faster per image on many CPUs; uses more memory).") var batch: Int = 1

    func validate() throws {
        if (seeds == nil) == (projectedW == nil) { throw ValidationError("give either --seeds or --projected-w") }
        if batch < 1 { throw ValidationError("--batch must be at least 1") }
        if let seeds { _ = try parseSeeds(seeds) }
        if grid != nil && format == .npy { throw ValidationError("--grid makes an image; it cannot be combined with --format npy") }
        _ = try parseGrid(grid)
    }

    func run() throws {
        try reportingFailures {
            let layout = try parseGrid(grid)
            let generator = try network.load()
            let folder = try ensureFolder(outdir)
            var cells: [RGBFrame] = []
            let save = { (name: String, image: Tensor) throws in
                try format.write(image, to: folder.appendingPathComponent("\(name).\(format.fileExtension)"))
                if layout != nil { cells.append(try RGBFrame(tensor: image)) }
            }
            if let projectedW {
                let url = URL(fileURLWithPath: projectedW)
                let ws: Tensor
                do { ws = try generator.validatedWs(try NPY.read(url)) } catch let error as StyleGANError {
                    throw UsageProblem("\(projectedW): \(error)")
                }
                let progress = ProgressLine("Rendering", total: ws.shape[0])
                for i in 0..<ws.shape[0] {
                    let image = withoutGradients { generator.synthesis(ws: ws.slice(axis: 0, i..<(i + 1)), noise: sampling.options().noise) }
                    try save(String(format: "proj%02d", i), image)
                    progress.update(i + 1)
                }
                progress.finish("Rendered \(ws.shape[0]) images to \(outdir)")
            } else {
                let list = try parseSeeds(seeds!)
                if let layout, list.count > layout.rows * layout.columns {
                    throw ValidationError("\(list.count) seeds do not fit a \(layout) grid")
                }
                let progress = ProgressLine("Generating", total: list.count)
                var done = 0
                // Random noise is seeded by each image's seed, so images come one at a time.
                let batchSize = sampling.noiseMode == .random ? 1 : batch
                try generator.generate(seeds: list, options: sampling.options(), batchSize: batchSize) { batchSeeds, images in
                    for (offset, seed) in batchSeeds.enumerated() {
                        try save(String(format: "seed%04d", seed), images.slice(axis: 0, offset..<(offset + 1)))
                    }
                    done += batchSeeds.count
                    progress.update(done)
                }
                progress.finish("Generated \(list.count) images to \(outdir)")
            }
            if let layout {
                let composed = try ImageGrid.compose(cells, layout: layout)
                try Image(frame: composed).write(to: folder.appendingPathComponent("grid.png"))
            }
        }
    }
}
