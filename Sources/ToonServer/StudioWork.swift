#if Studio
import Foundation
import StyleGAN
import Stylizer
import ToonCore
import ToonIO
import Toonify

/// What a finished job made: its file in the results folder, media type and a line about it.
struct WorkResult: Sendable {
    let file: String
    let type: String
    let message: String
}

/// Set when a job is cancelled; work checks it between steps.
final class CancelFlag: @unchecked Sendable {
    private var set = false
    private let lock = NSLock()

    var isSet: Bool { lock.withLock { set } }

    func raise() { lock.withLock { set = true } }

    /// Throws when the job was cancelled.
    func check() throws { if isSet { throw CancellationError() } }
}

/// Does the jobs: the same library calls, in the same order, as the CLI commands they stand for, so a
/// job's result equals the command's output for the same options (docs/serve.md lists the pairs).
struct StudioWork: Sendable {
    let catalog: StyleCatalog
    let models: ModelCache
    let uploads: UploadStore
    let results: URL
    let settings: StudioSettings

    /// Runs `job`; `progress` gets the fraction done.
    func run(_ job: Job, cancel: CancelFlag, progress: @escaping (Double) -> Void) throws -> WorkResult {
        try settings.compute.run {
            switch job.request.kind {
            case .generate: try generate(job, cancel: cancel, progress: progress)
            case .mix: try mix(job, cancel: cancel, progress: progress)
            case .interpolate: try interpolate(job, cancel: cancel, progress: progress)
            case .toonify: try toonify(job, cancel: cancel, progress: progress)
            case .stylize: try stylize(job, cancel: cancel, progress: progress)
            }
        }
    }

    // MARK: Models

    func style(_ id: String, for capability: Style.Capability) throws -> Style {
        guard let style = catalog.style(id) else { throw StudioError(.notFound, "no style '\(id)'") }
        guard style.can(capability) else { throw StudioError(.badRequest, "style '\(id)' cannot \(capability.rawValue)") }
        return style
    }

    func generator(_ style: Style) throws -> Generator {
        try models.value("generator:" + style.id) {
            (try GeneratorLoader.load(style.file).generator, Self.fileBytes(style.file))
        }
    }

    /// The pair's toonifier with degree 1 (other degrees are drawn by `cartoon(_:degree:)`, as the CLI does).
    func toonifier(_ style: Style, steps: Int, seed: UInt32) throws -> Toonifier {
        guard let baseFile = style.baseFile else { throw StudioError(.badRequest, "style '\(style.id)' is no toonify pair") }
        return try models.value("toonifier:\(style.id):\(steps):\(seed)") {
            let base = try GeneratorLoader.load(baseFile).generator, styled = try GeneratorLoader.load(style.file).generator
            var projection = ProjectionSettings()
            projection.steps = steps
            projection.seed = seed
            let blend = Blend.Settings(swapResolution: Blend.Settings.defaultSwapResolution(outputResolution: base.config.imageResolution), degree: 1)
            let toonifier = try Toonifier(base: base, styled: styled, blend: blend, objective: .pixelAndMultiScaleSSIM, projection: projection)
            return (toonifier, Self.fileBytes(baseFile) + 2 * Self.fileBytes(style.file))
        }
    }

    func student(_ style: Style) throws -> StudentModel {
        try models.value("student:" + style.id) { (try StudentModel.read(from: style.file), Self.fileBytes(style.file)) }
    }

    static func fileBytes(_ url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    // MARK: Results

    /// A result file for `job`. ToonIO's writers (images, GIF, MP4, stylized video) make it appear only
    /// when complete, through a temporary file and a rename.
    func resultURL(_ job: Job, _ fileExtension: String) -> URL {
        results.appendingPathComponent("\(job.id).\(fileExtension)")
    }

    /// Writes `image` as the job's PNG result.
    func savePNG(_ image: Image, for job: Job, message: String) throws -> WorkResult {
        let final = resultURL(job, "png")
        try image.write(to: final)
        return WorkResult(file: final.lastPathComponent, type: "image/png", message: message)
    }

    // MARK: Generation

    /// `toon generate --network STYLE --seeds S --trunc PSI --grid RxC`'s grid.png (R, C: `gridLayout`).
    func generate(_ job: Job, cancel: CancelFlag, progress: @escaping (Double) -> Void) throws -> WorkResult {
        let request = job.request
        let seeds = try JobValidation.seeds(request.seeds, limit: settings.maxSeeds)
        let generator = try generator(try style(request.style, for: .generate))
        let options = SamplingOptions(truncation: generator.truncation(psi: request.psi, cutoff: nil), noise: .const)
        var cells: [RGBFrame] = []
        try generator.generate(seeds: seeds, options: options, batchSize: 1) { batchSeeds, images in
            try cancel.check()
            for offset in batchSeeds.indices.map({ $0 - batchSeeds.startIndex }) {
                cells.append(try RGBFrame(tensor: images.slice(axis: 0, offset..<(offset + 1))))
            }
            progress(Double(cells.count) / Double(seeds.count))
        }
        let grid = try ImageGrid.compose(cells, layout: JobValidation.gridLayout(seeds.count))
        return try savePNG(Image(frame: grid), for: job, message: "\(seeds.count) images")
    }

    /// `toon mix --network STYLE --rows R --cols C --styles L --trunc PSI`'s grid.png.
    func mix(_ job: Job, cancel: CancelFlag, progress: @escaping (Double) -> Void) throws -> WorkResult {
        let request = job.request
        let rowSeeds = try JobValidation.seeds(request.rows, limit: 8, field: "rows")
        let colSeeds = try JobValidation.seeds(request.cols, limit: 8, field: "cols")
        let layers = try JobValidation.seeds(request.layers ?? "0-6", limit: 64, field: "layers").map(Int.init)
        let generator = try generator(try style(request.style, for: .generate))
        if let bad = layers.first(where: { $0 >= generator.numWs }) {
            throw StudioError(.badRequest, "layers: \(bad) does not exist; this network has ws 0-\(generator.numWs - 1)")
        }
        let options = SamplingOptions(truncation: generator.truncation(psi: request.psi, cutoff: nil), noise: .const)
        let total = Double(rowSeeds.count + colSeeds.count + rowSeeds.count * colSeeds.count)
        var done = 0
        let render = { (ws: Tensor) throws -> RGBFrame in
            try cancel.check()
            defer { done += 1; progress(Double(done) / total) }
            return try RGBFrame(tensor: withoutGradients { generator.synthesis(ws: ws, noise: options.noise) })
        }
        let rowWs = try generator.ws(seeds: rowSeeds, options: options), colWs = try generator.ws(seeds: colSeeds, options: options)
        let one = { (ws: Tensor, i: Int) in ws.slice(axis: 0, i..<(i + 1)) }
        var cells: [RGBFrame?] = [nil]
        for c in colSeeds.indices { cells.append(try render(one(colWs, c))) }
        for r in rowSeeds.indices {
            cells.append(try render(one(rowWs, r)))
            for c in colSeeds.indices { cells.append(try render(StyleMixing.mix(one(rowWs, r), styles: one(colWs, c), layers: layers))) }
        }
        let grid = try ImageGrid.compose(cells, rows: rowSeeds.count + 1, columns: colSeeds.count + 1)
        return try savePNG(Image(frame: grid), for: job, message: "\(rowSeeds.count)x\(colSeeds.count) mixes")
    }

    /// `toon interpolate --network STYLE --seeds S --frames N --fps F [--loop] --space w|z --trunc PSI --out walk.gif|mp4`.
    func interpolate(_ job: Job, cancel: CancelFlag, progress: @escaping (Double) -> Void) throws -> WorkResult {
        let request = job.request
        let seeds = try JobValidation.seeds(request.seeds, limit: settings.maxSeeds)
        let frames = request.frames ?? 60, fps = request.fps ?? 30, format = request.format ?? "gif"
        guard (2...settings.maxFrames).contains(frames) else { throw StudioError(.badRequest, "frames must be in 2...\(settings.maxFrames), not \(frames)") }
        guard fps > 0 && fps <= 240 else { throw StudioError(.badRequest, "fps must be in (0, 240], not \(fps)") }
        guard ["gif", "mp4"].contains(format) else { throw StudioError(.badRequest, "format must be gif or mp4, not '\(format)'") }
        let generator = try generator(try style(request.style, for: .generate))
        let options = SamplingOptions(truncation: generator.truncation(psi: request.psi, cutoff: nil), noise: .const)
        let walk = try LatentWalk(generator: generator, seeds: seeds, cellCount: 1, space: try JobValidation.space(request.space),
                                  looping: request.loop ?? false, options: options)
        let final = resultURL(job, format)
        let size = generator.config.imageResolution
        let writer = try VideoFormat.openWriter(url: final, width: size, height: size, fps: fps)
        do {
            for frame in 0..<frames {
                try cancel.check()
                let images = withoutGradients { generator.synthesis(ws: walk.ws(frame: frame, of: frames), noise: options.noise) }
                try writer.append(try RGBFrame(tensor: images.slice(axis: 0, 0..<1)))
                progress(Double(frame + 1) / Double(frames))
            }
            try writer.finish()
        } catch {
            writer.cancel()
            throw error
        }
        return WorkResult(file: final.lastPathComponent, type: format == "gif" ? "image/gif" : "video/mp4", message: "\(frames) frames at \(fps) fps")
    }
}

extension StudioWork {
    /// Deletes what job `id` made (its result and the files kept beside it): nobody will see them
    /// (it was cancelled while it ran, or failed after writing).
    func removeResult(of id: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: results.path)) ?? [] where name.hasPrefix(id) {
            try? FileManager.default.removeItem(at: results.appendingPathComponent(name))
        }
    }

    /// Checks a request before it is queued, so a bad one is refused at once (400/404) rather than failing later.
    func check(_ request: JobRequest) throws {
        switch request.kind {
        case .generate, .interpolate:
            _ = try style(request.style, for: .generate)
            _ = try JobValidation.seeds(request.seeds, limit: settings.maxSeeds)
            if request.kind == .interpolate { _ = try JobValidation.space(request.space) }
        case .mix:
            _ = try style(request.style, for: .generate)
            _ = try JobValidation.seeds(request.rows, limit: 8, field: "rows")
            _ = try JobValidation.seeds(request.cols, limit: 8, field: "cols")
            _ = try JobValidation.seeds(request.layers ?? "0-6", limit: 64, field: "layers")
        case .toonify:
            _ = try faceFinding(request, style: try style(request.style, for: .toonify))
            guard let upload = request.upload, let found = uploads.file(upload) else { throw StudioError(.notFound, "no upload '\(request.upload ?? "")'") }
            if found.kind.isVideo { throw StudioError(.badRequest, "toonify takes a photo; for a video use kind stylize") }
        case .stylize:
            _ = try style(request.style, for: .student)
            guard let upload = request.upload, uploads.file(upload) != nil else { throw StudioError(.notFound, "no upload '\(request.upload ?? "")'") }
            _ = try stylizeMode(request.mode)
        }
        if let degree = request.degree { _ = try JobValidation.degree(degree) }
        if let steps = request.steps, !(1...5000).contains(steps) { throw StudioError(.badRequest, "steps must be in 1...5000, not \(steps)") }
        if let frames = request.frames, !(2...settings.maxFrames).contains(frames) {
            throw StudioError(.badRequest, "frames must be in 2...\(settings.maxFrames), not \(frames)")
        }
        if let format = request.format, !["gif", "mp4"].contains(format) { throw StudioError(.badRequest, "format must be gif or mp4, not '\(format)'") }
        if let psi = request.psi, !psi.isFinite { throw StudioError(.badRequest, "psi must be a finite number") }
    }
}
#endif
