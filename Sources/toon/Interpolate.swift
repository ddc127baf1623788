import ArgumentParser
import Foundation
import StyleGAN
import ToonCore
import ToonIO

struct Interpolate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A smooth walk through latent space as an MP4 or GIF.",
        discussion: """
            The walk visits the seeds in order: smooth through W (a spline through each
            seed's w), or along great circles in Z. With --grid, the seeds are split into
            one walk per cell. MP4 needs ffmpeg; GIFs are written by toon itself.

            Examples:
              toon interpolate --network ffhq.pkl --seeds 0,5,9 --frames 120 \\
                  --loop --out walk.mp4
              toon interpolate --network anime.pt --seeds 0-7 --grid 2x2 \\
                  --frames 60 --out walk.gif
              toon interpolate --network stylegan3-r-afhqv2-512.pkl --seeds 0,5 \\
                  --rotate-speed 30 --translate-path 0.5,0 --out camera.mp4

            StyleGAN3 networks also take a camera move: --translate/--rotate set where it
            starts, --rotate-speed turns it (degrees per second), --translate-path slides
            it over the video.
            """
    )

    @OptionGroup var network: NetworkOption
    @Option(parsing: .unconditional, help: ArgumentHelp("Keyframe seeds, visited in order.", valueName: "list")) var seeds: String
    @Option(parsing: .unconditional, help: "Total number of frames.") var frames: Int = 120
    @Option(help: "Interpolate in w (smooth, default) or z.") var space: LatentSpace = .w
    @Flag(help: "Return to the first seed at the end, for a seamless loop.") var loop = false
    @Option(parsing: .unconditional, help: ArgumentHelp("Several walks side by side, R rows by C columns.", valueName: "RxC")) var grid: String?
    @Option(parsing: .unconditional, help: "Frames per second.") var fps: Double = 30
    @OptionGroup var sampling: SamplingFlags
    @OptionGroup var transform: TransformOptions
    @Option(name: .customLong("rotate-speed"), parsing: .unconditional,
            help: ArgumentHelp("StyleGAN3: turn the camera by this many degrees per second.", valueName: "deg"))
    var rotateSpeed: Double?
    @Option(name: .customLong("translate-path"), parsing: .unconditional,
            help: ArgumentHelp("StyleGAN3: slide the camera by X,Y (image widths) over the whole video.", valueName: "X,Y"))
    var translatePath: String?
    @Option(help: ArgumentHelp("Output video: .mp4 or .gif.", valueName: "file"),
            completion: .file(extensions: ["mp4", "gif"])) var out: String

    enum LatentSpace: String, ExpressibleByArgument, CaseIterable { case z, w }

    func validate() throws {
        if frames < 2 { throw ValidationError("--frames must be at least 2") }
        if !(fps > 0 && fps <= 240) { throw ValidationError("--fps must be in (0, 240]") }
        if sampling.noiseMode == .random { throw ValidationError("--noise-mode random flickers in a video; use const or none") }
        _ = try parseGrid(grid)
        _ = try parseSeeds(seeds)
        let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
        if !["mp4", "gif"].contains(ext) { throw ValidationError("--out must end in .mp4 or .gif") }
        _ = try cameraMove()
    }

    /// The camera move the transform flags ask for.
    func cameraMove() throws -> CameraMove {
        var move = CameraMove(start: try transform.transform())
        if let rotateSpeed {
            guard rotateSpeed.isFinite else { throw ValidationError("--rotate-speed must be a finite number, got \(rotateSpeed)") }
            move.degreesPerSecond = rotateSpeed
        }
        if let translatePath { (move.pathX, move.pathY) = try parsePair(translatePath, option: "--translate-path") }
        return move
    }

    func run() throws {
        try reportingFailures {
            var plan = RunPlan()
            try network.register(in: &plan)
            let layout = try parseGrid(grid) ?? GridLayout(rows: 1, columns: 1)!
            let keyframes = try parseSeeds(seeds)
            let generator = try network.load()
            try sampling.check(against: generator, network: network.displayName)
            let move = try cameraMove()
            if (transform.isRequested || move.isMoving) && !generator.config.isStyleGAN3 {
                throw UsageProblem("\(network.displayName): camera moves (--translate, --rotate, --rotate-speed, --translate-path) need a StyleGAN3 network; this one is \(generator.config.generation)")
            }
            try InterpolatePlan(layout: layout, format: URL(fileURLWithPath: out).pathExtension.lowercased(), config: generator.config).check(plan)
            let walk: LatentWalk
            do {
                walk = try LatentWalk(generator: generator, seeds: keyframes, cellCount: layout.rows * layout.columns,
                                      space: space == .w ? .w : .z, looping: loop, options: sampling.options(for: generator))
            } catch let error as StyleGANError {
                // Seeds that do not split into the grid's walks are a usage problem, as in generate.
                guard case .latentWalk = error.problem else { throw error }
                throw UsageProblem("--seeds and --grid \(layout): \(error)")
            }
            try plan.write(out)
            let size = generator.config.imageResolution
            let writer = try VideoFormat.openWriter(url: URL(fileURLWithPath: out), width: size * layout.columns,
                                                   height: size * layout.rows, fps: fps)
            let progress = ProgressLine("Rendering", total: frames, unit: "frames")
            do {
                for frame in 0..<frames {
                    let camera = move.isMoving || transform.isRequested
                        ? try generator.transformed(move.transform(frame: frame, of: frames, fps: fps, looping: loop)) : generator
                    let images = withoutGradients { camera.synthesis(ws: walk.ws(frame: frame, of: frames), noise: sampling.options(for: generator).noise) }
                    let cells = try (0..<images.shape[0]).map { try RGBFrame(tensor: images.slice(axis: 0, $0..<($0 + 1))) }
                    try writer.append(cells.count == 1 ? cells[0] : try ImageGrid.compose(cells, layout: layout))
                    progress.update(frame + 1)
                }
                try writer.finish()
            } catch {
                writer.cancel()
                throw error
            }
            progress.finish("Wrote \(out)")
        }
    }
}

/// The sizes `interpolate` will reach: frame size against the format's limit, and every cell of a
/// frame rendered as one batch against the memory budget.
struct InterpolatePlan {
    let layout: GridLayout
    let format: String
    let config: GeneratorConfig

    func check(_ plan: RunPlan) throws {
        let resolution = config.imageResolution
        let what = "--grid \(layout)"
        if format == "mp4" {
            try plan.requireFrame(columns: layout.columns, rows: layout.rows, cell: resolution, limit: 16_384, format: "MP4 (H.264)", for: what)
        } else {
            try plan.requireFrame(columns: layout.columns, rows: layout.rows, cell: resolution, limit: 65_535, format: "GIF", for: what)
        }
        let cells = Double(layout.rows) * Double(layout.columns)
        let pixels = cells * Double(resolution * resolution)
        try plan.requireMemory(cells * MemoryEstimate.synthesis(config) + MemoryEstimate.videoFrame(pixels: pixels),
                               for: "\(what) (\(layout.rows * layout.columns) images rendered for each frame)")
    }
}
