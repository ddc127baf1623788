import ArgumentParser
import Cluster
import BuiltInModels
import Datasets
import Foundation
import StyleGAN
import ToonCore
import ToonIO
import Toonify

/// `toon pairs`: a teacher pair's aligned real/cartoon images, the data a stylizer learns from.
struct Pairs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make aligned real/cartoon training pairs from a base model and its blended cartoon fine-tune.",
        discussion: """
            Pair i draws seed --seed + i (truncated by --trunc, and with probability
            --mixing its styles from a second latent from a random layer on) through
            the base, for the real side, and through its blend with --styled (toon
            blend's rule at --swap-res) for the cartoon, at the degrees of --degree in
            turn. Both images get the same small camera jitter (--jitter: rotation in
            degrees, shift and extra zoom as fractions, never an empty border); the real
            side alone gets photo degradations (--degrade: colour, blur, noise, JPEG,
            each with probability --degrade-probability). Pair i is the same whatever
            the machine or thread count.

            Writes a zip: real/00000/img00000000.png ..., toon/00000/img00000000.png ...
            (each side in NVLabs' dataset layout) and pairs.json, the index of
            [real, toon, degree] with the settings that made it (docs/stylizer.md).
            Without --base/--styled the built-in toonify pair is used.

            Examples:
              toon pairs --count 2000 --out pairs.zip
              toon pairs --base ffhq.pkl --styled toons.pt --swap-res 32 \\
                  --degree 0.5,0.75,1 --count 5000 --resolution 256 --out pairs.zip
            """
    )

    @Option(help: ArgumentHelp("Base (photo) generator; default the built-in shaded64.", valueName: "file")) var base: String?
    @Option(help: ArgumentHelp("Styled fine-tune of the base; default the built-in shaded64-anime.", valueName: "file")) var styled: String?
    @Option(name: .customLong("swap-res"), parsing: .unconditional, help: "First resolution drawn by the styled model (default: a quarter of the output).")
    var swapResolution: Int?
    @Option(parsing: .unconditional, help: ArgumentHelp("Degrees of toonification, comma-separated; pairs take them in turn.", valueName: "list"))
    var degree: String = "1"
    @Option(parsing: .unconditional, help: "Number of pairs (not with --from-photos, which makes one per face and degree).") var count: Int?
    @Option(name: .customLong("from-photos"), help: ArgumentHelp("Make the pairs from the faces in these photos instead: each projected and toonified.", valueName: "dir"))
    var fromPhotos: String?
    @Flag(help: "With --from-photos: each photo is one aligned face (no detection).") var aligned = false
    @Option(parsing: .unconditional, help: "With --from-photos: projection steps per face.") var steps: Int = 300
    @Option(help: ArgumentHelp("With --from-photos: torchvision's VGG16 weights (LPIPS loss).", valueName: "file")) var vgg16: String?
    @Option(help: ArgumentHelp("With --from-photos: the lpips package's VGG linear weights.", valueName: "file")) var lpips: String?
    @OptionGroup var models: FaceModelOptions
    @Option(parsing: .unconditional, help: "Side of the images (default: the networks'; smaller is a Lanczos resize).")
    var resolution: Int?
    @Option(name: .customLong("trunc"), parsing: .unconditional, help: "Truncation psi.") var truncationPsi: Float = 0.7
    @Option(parsing: .unconditional, help: "Chance of style mixing per pair.") var mixing: Double = 0.5
    @Option(parsing: .unconditional, help: "Pair i draws from seed + i.") var seed: UInt32 = 0
    @Option(parsing: .unconditional, help: ArgumentHelp("Camera jitter as rotation,shift,zoom ('0' for none).", valueName: "deg,frac,frac"))
    var jitter: String = "4,0.03,0.06"
    @Option(parsing: .unconditional, help: ArgumentHelp("Real-side degradations as colour,blur,noise,jpeg ('0' for none).",
                                                        valueName: "frac,sigma,codes,quality"))
    var degrade: String = "0.2,1.2,6,40"
    @Option(name: .customLong("degrade-probability"), parsing: .unconditional, help: "Chance of each degradation.")
    var degradeProbability: Double = 0.5
    @Option(help: ArgumentHelp("Output zip.", valueName: "file"), completion: .file(extensions: ["zip"])) var out: String

    func validate() throws {
        if (base == nil) != (styled == nil) { throw ValidationError("--base and --styled go together") }
        if fromPhotos == nil {
            guard let count else { throw ValidationError("--count is required (or --from-photos DIR)") }
            if !(1...10_000_000).contains(count) { throw ValidationError("--count must be in 1...10000000, not \(count)") }
        } else {
            if count != nil { throw ValidationError("--count does not go with --from-photos (one pair per face and degree)") }
            if !(1...100_000).contains(steps) { throw ValidationError("--steps must be in 1...100000, not \(steps)") }
            if (vgg16 == nil) != (lpips == nil) { throw ValidationError("--vgg16 and --lpips go together (LPIPS needs both files)") }
        }
        if let resolution, !(8...4096).contains(resolution) { throw ValidationError("--resolution must be in 8...4096, not \(resolution)") }
        if !(truncationPsi.isFinite && (0...2).contains(truncationPsi)) { throw ValidationError("--trunc must be in 0...2, not \(truncationPsi)") }
        if !(0...1).contains(mixing) { throw ValidationError("--mixing must be in 0...1, not \(mixing)") }
        if !(0...1).contains(degradeProbability) { throw ValidationError("--degrade-probability must be in 0...1, not \(degradeProbability)") }
        _ = try settings()
        if URL(fileURLWithPath: out).pathExtension.lowercased() != "zip" { throw ValidationError("--out must end in .zip") }
    }

    /// The library's settings from the options.
    func settings() throws -> TeacherPairs.Settings {
        var settings = TeacherPairs.Settings()
        settings.degrees = try ToonifyCommand.parseDegrees(degree)
        settings.truncationPsi = truncationPsi
        settings.mixingProbability = mixing
        settings.seed = seed
        settings.resolution = resolution
        settings.jitter = try Self.jitter(jitter)
        settings.degradation = try Self.degradation(degrade, probability: degradeProbability)
        return settings
    }

    static func numbers(_ text: String, option: String, count: Int) throws -> [Double]? {
        if text.trimmingCharacters(in: .whitespaces) == "0" { return nil }
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == count, values.allSatisfy({ $0.map { $0.isFinite && $0 >= 0 } ?? false }) else {
            throw ValidationError("\(option) takes \(count) non-negative numbers, comma-separated, or 0; not '\(text)'")
        }
        return values.map { $0! }
    }

    static func jitter(_ text: String) throws -> CameraMotion {
        guard let v = try numbers(text, option: "--jitter", count: 3) else { return .none }
        guard v[0] <= 30, v[1] < 0.25, v[2] <= 1 else {
            throw ValidationError("--jitter: rotation at most 30 degrees, shift below 0.25, zoom at most 1; not '\(text)'")
        }
        return CameraMotion(rotation: v[0], shift: v[1], zoom: v[2])
    }

    static func degradation(_ text: String, probability: Double) throws -> RealDegradation {
        guard let v = try numbers(text, option: "--degrade", count: 4) else { return .none }
        guard v[0] <= 1, v[1] <= 10, v[2] <= 64, (1...95).contains(v[3]), v[3] == v[3].rounded() else {
            throw ValidationError("--degrade: colour at most 1, blur sigma at most 10, noise at most 64 codes, JPEG quality a whole number in 1...95; not '\(text)'")
        }
        return RealDegradation(probability: probability, colour: v[0], blur: v[1], noise: v[2], jpegQuality: Int(v[3]))
    }

    func run() throws {
        try reportingFailures {
            var plan = RunPlan()
            let (basePath, styledPath) = try ToonifyCommand.modelFiles(base: base, styled: styled)
            try plan.read(basePath)
            try plan.read(styledPath)
            try plan.write(out)
            let baseModel = try NetworkOption.load(basePath), styledModel = try NetworkOption.load(styledPath)
            let side = baseModel.config.imageResolution
            if let fromPhotos { try plan.readFolder(fromPhotos) }
            if let vgg16, let lpips { try plan.read(vgg16); try plan.read(lpips) }
            if fromPhotos != nil && !aligned { try models.register(in: &plan) }
            if let resolution, resolution > side {
                throw UsageProblem("--resolution \(resolution) is above the networks' \(side) px (pairs are never upscaled)")
            }
            let blend = Blend.Settings(swapResolution: swapResolution ?? Blend.Settings.defaultSwapResolution(outputResolution: side))
            do { try blend.validate() } catch { throw UsageProblem("\(error)") }
            let settings = try settings()
            // Each degree keeps its own blended copy of the networks.
            let bytes = Double(baseModel.parameters.scalarCount) * 4
            try plan.requireMemory(Double(2 + settings.degrees.count) * bytes, for: "\(settings.degrees.count + 1) copies of a \(MemoryBudget.format(bytes)) model")
            if let fromPhotos {
                if let world = ClusterJob.world, world.size > 1 {
                    throw UsageProblem("--from-photos is not split across mpirun's ranks yet: run it as one process")
                }
                try pairsFromPhotos(fromPhotos, base: baseModel, styled: styledModel, blend: blend, settings: settings, plan: &plan)
                return
            }
            let count = self.count!
            let teacher = try TeacherPairs(base: baseModel, styled: styledModel, blend: blend, settings: settings)
            let description = [
                "base": URL(fileURLWithPath: basePath).lastPathComponent, "styled": URL(fileURLWithPath: styledPath).lastPathComponent,
                "swap_res": "\(blend.swapResolution)", "degrees": degree, "trunc": "\(truncationPsi)", "mixing": "\(mixing)",
                "seed": "\(seed)", "jitter": jitter, "degrade": degrade, "degrade_probability": "\(degradeProbability)",
            ]
            let progress = ProgressLine("Drawing", total: count, unit: "pairs")
            let start = Date()
            if let world = ClusterJob.world {
                // Under mpirun each rank draws its share; rank 0 writes the same file one process would.
                try ShardedPairs.write(to: URL(fileURLWithPath: out), count: count, teacher: description, world: world,
                                       progress: { progress.update($0) }) { index throws(ToonIOError) in try teacher.pair(index) }
                guard world.isRoot else { return }
            } else {
                try PairedDataset.write(to: URL(fileURLWithPath: out), count: count, teacher: description,
                                        progress: { progress.update($0) }) { index throws(ToonIOError) in try teacher.pair(index) }
            }
            progress.clear()
            let seconds = Date().timeIntervalSince(start)
            let rate = String(format: "%.2f", Double(count) / max(seconds, 1e-9))
            print("\(out): \(count) pairs at \(settings.resolution ?? side) px, \(rate) pairs/s")
        }
    }

    /// --from-photos: every face in the folder's photos, projected on the base and drawn by the blend
    /// at each degree, as pairs (the aligned photo, its cartoon).
    private func pairsFromPhotos(_ folder: String, base: Generator, styled: Generator, blend: Blend.Settings,
                            settings: TeacherPairs.Settings, plan: inout RunPlan) throws {
        let side = base.config.imageResolution
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { ["png", "jpg", "jpeg"].contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var faces: [Tensor] = []
        for file in files {
            let image = try Image.readUpright(from: URL(fileURLWithPath: folder).appendingPathComponent(file))
            for face in try ToonifyCommand.faces(in: image, resolution: side, aligned: aligned, models: models) {
                faces.append(ProjectionTarget.tensor(from: face.image, resolution: side))
            }
        }
        guard !faces.isEmpty else {
            FileHandle.standardError.write(Data("toon: \(folder): no face found in \(files.count) photo\(files.count == 1 ? "" : "s")\n".utf8))
            throw ExitCode(2)
        }
        try plan.requireMemory(MemoryEstimate.projection(base.config), for: "projecting on a \(side)px network")
        var projection = ProjectionSettings()
        projection.steps = steps
        projection.seed = settings.seed
        let objective = try Project.objective(vgg16: vgg16, lpips: lpips)
        let toonifier = try Toonifier(base: base, styled: styled, blend: blend, objective: objective, projection: projection)
        // One blended copy per degree, made once (the seed pairs' teacher), not once per face and degree.
        let teacher = try TeacherPairs(base: base, styled: styled, blend: blend, settings: settings)
        let progress = ProgressLine("Projecting", total: faces.count * steps, unit: "steps")
        var drawn: [(images: Tensor, degree: Double)] = []
        for (k, face) in faces.enumerated() {
            let result = try toonifier.toonify(face) { progress.update(k * steps + $0.index) }
            for (degree, cartoon) in zip(settings.degrees, teacher.cartoons(result.ws)) {
                drawn.append((Tensor.concatenate([face, cartoon], axis: 0), degree))
            }
        }
        progress.clear()
        let description = ["from_photos": URL(fileURLWithPath: folder).lastPathComponent, "photos": "\(files.count)", "faces": "\(faces.count)",
                           "steps": "\(steps)", "swap_res": "\(blend.swapResolution)", "degrees": degree, "seed": "\(seed)",
                           "jitter": jitter, "degrade": degrade, "degrade_probability": "\(degradeProbability)"]
        try PairedDataset.write(to: URL(fileURLWithPath: out), count: drawn.count, teacher: description) { index throws(ToonIOError) in
            var random = TeacherPairs.stream(seed: settings.seed, index: index)
            return try TeacherPairs.finish(drawn[index].images, degree: drawn[index].degree, settings: settings, &random)
        }
        print("\(out): \(drawn.count) pairs from \(faces.count) face\(faces.count == 1 ? "" : "s") in \(files.count) photo\(files.count == 1 ? "" : "s") (\(steps) projection steps each)")
    }
}
