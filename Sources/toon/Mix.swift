import ArgumentParser
import Foundation
import StyleGAN
import ToonCore
import ToonIO

struct Mix: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Style mixing: each row's coarse styles with each column's listed styles, as a grid.",
        discussion: """
            Like NVLabs' style_mixing.py: the grid's top row shows the column seeds, the
            left column the row seeds, and each cell the row image with the --styles
            layers taken from the column image.

            Example:
              toon mix --network ffhq.pkl --rows 85,100,75 --cols 55,821,1789 \\
                  --styles 0-6 --outdir out
            """
    )

    @OptionGroup var network: NetworkOption
    @Option(parsing: .unconditional, help: ArgumentHelp("Row seeds.", valueName: "list")) var rows: String
    @Option(parsing: .unconditional, help: ArgumentHelp("Column seeds.", valueName: "list")) var cols: String
    @Option(parsing: .unconditional, help: ArgumentHelp("Layers (ws) taken from the column seeds, e.g. 0-6 (coarse), 8-17 (fine).", valueName: "list"))
    var styles: String = "0-6"
    @OptionGroup var sampling: SamplingFlags
    @OptionGroup var transform: TransformOptions
    @Option(help: ArgumentHelp("Output folder for grid.png and each cell (row-col.png).", valueName: "dir"),
            completion: .directory) var outdir: String

    func validate() throws {
        _ = try parseSeeds(rows, option: "--rows")
        _ = try parseSeeds(cols, option: "--cols")
        _ = try parseSeeds(styles, option: "--styles")
    }

    func run() throws {
        try reportingFailures {
            var plan = RunPlan()
            try network.register(in: &plan)
            let rowSeeds = try parseSeeds(rows, option: "--rows"), colSeeds = try parseSeeds(cols, option: "--cols")
            let layers = try parseSeeds(styles, option: "--styles").map(Int.init)
            let generator = try transform.apply(to: try network.load(), network: network.displayName)
            try sampling.check(against: generator, network: network.displayName)
            if let bad = layers.first(where: { $0 >= generator.numWs }) {
                throw UsageProblem("--styles: layer \(bad) does not exist; this network has ws 0-\(generator.numWs - 1)")
            }
            // Every cell is kept for the grid: (rows + 1) x (cols + 1) images and the grid itself.
            let resolution = generator.config.imageResolution, cellPixels = Double(resolution * resolution)
            let what = "a grid of \(rowSeeds.count) --rows and \(colSeeds.count) --cols"
            try plan.requireImage(columns: colSeeds.count + 1, rows: rowSeeds.count + 1, cell: resolution, for: what)
            let cellCount = Double(rowSeeds.count + 1) * Double(colSeeds.count + 1)
            try plan.requireMemory(cellCount * cellPixels * 3 + MemoryEstimate.writtenImage(pixels: cellCount * cellPixels)
                                   + MemoryEstimate.synthesis(generator.config), for: what)
            let names = rowSeeds.lazy.flatMap { r in colSeeds.lazy.map { c in "\(r)-\(c).png" } }
            try plan.writeFolder(outdir, names: Array(names) + ["grid.png"])
            let folder = try plan.createFolder(outdir)
            let total = rowSeeds.count + colSeeds.count + rowSeeds.count * colSeeds.count
            let progress = ProgressLine("Mixing", total: total)
            var done = 0
            let options = sampling.options(for: generator)
            let render = { (ws: Tensor) throws -> RGBFrame in
                defer { done += 1; progress.update(done) }
                return try RGBFrame(tensor: withoutGradients { generator.synthesis(ws: ws, noise: options.noise) })
            }
            let rowWs = try generator.ws(seeds: rowSeeds, options: options)
            let colWs = try generator.ws(seeds: colSeeds, options: options)
            let one = { (ws: Tensor, i: Int) in ws.slice(axis: 0, i..<(i + 1)) }
            var cells: [RGBFrame?] = [nil]
            for c in colSeeds.indices { cells.append(try render(one(colWs, c))) }
            for (r, rowSeed) in rowSeeds.enumerated() {
                cells.append(try render(one(rowWs, r)))
                for (c, colSeed) in colSeeds.enumerated() {
                    let frame = try render(StyleMixing.mix(one(rowWs, r), styles: one(colWs, c), layers: layers))
                    try Image(frame: frame).write(to: folder.appendingPathComponent("\(rowSeed)-\(colSeed).png"))
                    cells.append(frame)
                }
            }
            let grid = try ImageGrid.compose(cells, rows: rowSeeds.count + 1, columns: colSeeds.count + 1)
            try Image(frame: grid).write(to: folder.appendingPathComponent("grid.png"))
            progress.finish("Wrote \(outdir)/grid.png")
        }
    }
}
