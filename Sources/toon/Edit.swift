import ArgumentParser
import Foundation
import StyleGAN
import ToonCore
import ToonIO

struct Edit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Edit faces along SeFa latent directions, one image per strength.",
        discussion: """
            SeFa (Shen & Zhou 2021) finds the directions in w that change the styles of
            the chosen layers most, from the weights alone. --direction sefa:K takes
            the K-th (0 = strongest); --layers picks the ws it is found for and moves
            (all, or a range such as 0-3 for the coarse styles). Files are named
            seed0042_sefa3_+1.5.png (latent00_sefa3_+1.5.png for --latent rows); with
            --grid also seed0042_sefa3_strip.png, strengths from left to right.

            Examples:
              toon edit --seeds 1-4 --direction sefa:0 --strength -3,0,3 \\
                  --grid --outdir out
              toon edit --network ffhq.pkl --seeds 42 --direction sefa:2 --layers 0-3 \\
                  --strength -5,-2.5,0,2.5,5 --save-directions dirs.npy --outdir out
              toon edit --latent me.npy --direction dirs.npy:2 --layers 0-3 --outdir out
            """
    )

    @OptionGroup var network: NetworkOption
    @Option(parsing: .unconditional, help: ArgumentHelp("Seeds, e.g. 0-7,42.", valueName: "list")) var seeds: String?
    @Option(help: ArgumentHelp("A .npy of w or w+ ([numWs, wDim] or [N, numWs, wDim]) to edit instead of seeds (used as given, not truncated).", valueName: "file"),
            completion: .file(extensions: ["npy"]))
    var latent: String?
    @Option(help: ArgumentHelp("sefa:K (SeFa direction K, 0 = strongest) or FILE.npy:K (row K of a [count, wDim] file).", valueName: "source:K"))
    var direction: String
    @Option(parsing: .unconditional, help: ArgumentHelp("The ws the direction is found for and moves: all, or A-B (0-3 coarse).", valueName: "all|A-B"))
    var layers: String = "all"
    @Option(parsing: .unconditional, help: ArgumentHelp("Strengths, w' = w + strength x direction.", valueName: "list"))
    var strength: String = "-3,-1.5,0,1.5,3"
    @OptionGroup var sampling: SamplingFlags
    @Option(help: ArgumentHelp("Output folder (created if missing).", valueName: "dir"), completion: .directory) var outdir: String
    @Flag(help: "Also write one strip per seed or latent: its images side by side, strengths left to right.") var grid = false
    @Option(name: .customLong("save-directions"), help: ArgumentHelp("Also write the strongest SeFa directions for --layers as a [count, wDim] .npy (row K = sefa:K).", valueName: "file"),
            completion: .file(extensions: ["npy"]))
    var saveDirections: String?
    @Option(name: .customLong("save-count"), parsing: .unconditional, help: ArgumentHelp("How many directions --save-directions writes.", valueName: "N"))
    var saveCount: Int = 16

    func validate() throws {
        if (seeds == nil) == (latent == nil) { throw ValidationError("give either --seeds or --latent") }
        if let seeds { _ = try parseSeeds(seeds) }
        do {
            _ = try DirectionChoice(parsing: direction)
            _ = try LayerSelection(parsing: layers)
            _ = try EditStrengths.parse(strength)
        } catch { throw ValidationError("\(error)") }
        if saveCount < 1 { throw ValidationError("--save-count must be at least 1, got \(saveCount)") }
    }

    func run() throws {
        try reportingFailures {
            var plan = RunPlan()
            try network.register(in: &plan)
            if let latent { try plan.read(latent) }
            let choice = try DirectionChoice(parsing: direction)
            if case .file(let path, _) = choice { try plan.read(path) }
            let strengths = try EditStrengths.parse(strength)
            let generator = try network.load()
            try sampling.check(against: generator, network: network.displayName)
            let wDim = generator.config.wDim
            let chosen: [Int]
            do { chosen = try LayerSelection(parsing: layers).layers(numWs: generator.numWs) } catch {
                throw UsageProblem("--layers: \(error)")
            }
            if case .sefa(let k) = choice, k >= wDim {
                throw UsageProblem("--direction sefa:\(k): this network has \(wDim) directions (sefa:0 to sefa:\(wDim - 1))")
            }
            if saveDirections != nil, saveCount > wDim {
                throw UsageProblem("--save-count \(saveCount): this network has \(wDim) directions")
            }
            let fileDirections = try fileDirection(choice, wDim: wDim, layers: chosen)
            let latents = try latent.map { try ProjectedW.read($0, for: generator) }
            let seedList = try seeds.map { try parseSeeds($0) } ?? []
            let subjects = latents.map { ws in (0..<ws.shape[0]).map { String(format: "latent%02d", $0) } } ?? seedList.map(seedFileStem)

            let names = subjects.flatMap { s in strengths.map { EditNames.image(subject: s, direction: choice, strength: $0) } }
                + (grid ? subjects.map { EditNames.strip(subject: $0, direction: choice) } : [])
            try EditPlan(strengths: strengths.count, grid: grid, config: generator.config).check(plan)
            if let saveDirections { try plan.write(saveDirections) }
            try plan.writeFolder(outdir, names: names)
            let folder = try plan.createFolder(outdir)

            let sefa = choice.isSeFa || saveDirections != nil ? try SeFa.directions(generator, layers: chosen) : nil
            if let saveDirections, let sefa {
                try NPY.write(sefa.prefix(saveCount).vectors, to: URL(fileURLWithPath: saveDirections))
            }
            let along: Tensor = switch choice {
            case .sefa(let k): sefa!.direction(k)
            case .file(_, let row): fileDirections!.direction(row)
            }
            let progress = ProgressLine("Editing", total: subjects.count * strengths.count)
            var done = 0
            for (i, subject) in subjects.enumerated() {
                let noiseSeed = seedList.isEmpty ? 0 : seedList[i]
                let options = sampling.options(for: generator, noiseSeed: noiseSeed)
                let ws = try latents.map { $0.slice(axis: 0, i..<(i + 1)) } ?? generator.ws(seeds: [seedList[i]], options: options)
                let edited = LatentEdit.strip(ws, direction: along, strengths: strengths, layers: chosen)
                var cells: [RGBFrame?] = []
                for (j, s) in strengths.enumerated() {
                    // One image per call: the strength-0 image is then exactly the unedited one.
                    let image = withoutGradients { generator.synthesis(ws: edited.slice(axis: 0, j..<(j + 1)), noise: options.noise) }
                    // Written as generate writes seed0042.png, so strength 0 gives the same file.
                    try ImageFileFormat.png.write(image, to: folder.appendingPathComponent(EditNames.image(subject: subject, direction: choice, strength: s)))
                    if grid { cells.append(try RGBFrame(tensor: image)) }
                    done += 1
                    progress.update(done)
                }
                if grid {
                    let strip = try ImageGrid.compose(cells, rows: 1, columns: strengths.count)
                    try Image(frame: strip).write(to: folder.appendingPathComponent(EditNames.strip(subject: subject, direction: choice)))
                }
            }
            progress.finish("Wrote \(done) edited images to \(outdir)")
        }
    }

    /// The directions file of `FILE.npy:K`, with row K checked (a row it lacks is a usage problem).
    private func fileDirection(_ choice: DirectionChoice, wDim: Int, layers: [Int]) throws -> LatentDirections? {
        guard case .file(let path, let row) = choice else { return nil }
        let directions = try LatentDirections.read(URL(fileURLWithPath: path), wDim: wDim, layers: layers)
        if row >= directions.count {
            throw UsageProblem("--direction \(path):\(row): the file has \(directions.count) directions (rows 0-\(directions.count - 1))")
        }
        return directions
    }
}

extension DirectionChoice {
    var isSeFa: Bool { if case .sefa = self { true } else { false } }
}

/// The sizes `edit` reaches: one image at a time, and with --grid one strip of all strengths.
struct EditPlan {
    let strengths: Int
    let grid: Bool
    let config: GeneratorConfig

    func check(_ plan: RunPlan) throws {
        let resolution = config.imageResolution, cellPixels = Double(resolution * resolution)
        var held = MemoryEstimate.writtenImage(pixels: cellPixels) + MemoryEstimate.synthesis(config)
        if grid {
            // Strips are composed as RGB frames, so a gray or RGBA network's strip is refused here,
            // not after its first images are written.
            if config.imageChannels != 3 {
                throw UsageProblem("--grid: strips are RGB, and this network makes \(config.imageChannels)-channel images")
            }
            let what = "--grid with \(strengths) strengths"
            try plan.requireImage(columns: strengths, rows: 1, cell: resolution, for: what)
            held += Double(strengths) * cellPixels * 3 + MemoryEstimate.writtenImage(pixels: Double(strengths) * cellPixels)
            try plan.requireMemory(held, for: what)
        }
        try plan.requireMemory(held, for: "editing at \(resolution)x\(resolution)")
    }
}
