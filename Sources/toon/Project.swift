import ArgumentParser
import Foundation
import ToonMetrics
import StyleGAN
import ToonCore
import ToonIO
import Toonify

/// `toon project`: the latent of a photo (NVLabs' projector).
struct Project: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the w (or w+) whose image is closest to a photo: NVLabs' projector.",
        discussion: """
            The photo is cropped to its centred square and resized to the network's
            resolution. The projector starts at the average w and takes --steps Adam
            steps on w and the noise maps (NVLabs' learning-rate and noise ramps and
            noise regularisation). Writes, in --out: target.png (what it aimed at),
            proj.png (the projection, with the network's own constant noise),
            projected_w.npy ([1, numWs, wDim], for toon generate --projected-w), and
            with --save-video proj.mp4 (target and projection side by side, one frame
            per step).

            The perceptual loss is LPIPS-VGG16 (NVLabs' choice), which needs
            torchvision's vgg16-397923af.pth (download.pytorch.org/models/) as
            --vgg16 and the lpips wheel's weights/v0.1/vgg.pth as --lpips; ToonKit
            downloads nothing. Without them it minimises pixel MSE + (1 - MS-SSIM),
            which is fine for images a network made and much weaker on photos.

            With --data instead of a photo, the first --count images of a dataset (an
            NVLabs zip or a folder, already at the network's resolution) are projected
            one after the other into projected_ws.npy ([N, numWs, wDim]), with
            labels.npy ([N, labels]) when the dataset has labels and proj-grid.png
            (targets above their projections, the first 8): what toon directions fits
            attribute directions to.

            Examples:
              toon project photo.jpg --network ffhq.pkl --vgg16 vgg16-397923af.pth \\
                  --lpips vgg.pth --save-video --out proj
              toon project face.png --steps 300 --w-plus --out proj
              toon project --data anime64.zip --count 200 --steps 300 --out labelled
            """
    )

    @Argument(help: ArgumentHelp("The photo: PNG or JPEG.", valueName: "photo"), completion: .file(extensions: ["png", "jpg", "jpeg"]))
    var photo: String?
    @Option(help: ArgumentHelp("Project a dataset's images instead of a photo (NVLabs zip or folder).", valueName: "path"))
    var data: String?
    @Option(parsing: .unconditional, help: "With --data: how many images, from the first.") var count: Int?
    @OptionGroup var network: NetworkOption
    @Flag(name: .customLong("w-plus"), help: "Optimise one w per synthesis layer (w+): closer fits, less editable latents.") var wPlus = false
    @Option(parsing: .unconditional, help: "Optimisation steps.") var steps: Int = 1000
    @Option(parsing: .unconditional, help: "Seed of the initial noise maps and the w perturbations.") var seed: UInt32 = 303
    @Flag(name: .customLong("save-video"), help: "Also write proj.mp4: target and projection, one frame per step.") var saveVideo = false
    @Option(help: ArgumentHelp("torchvision's VGG16 weights, vgg16-397923af.pth (LPIPS loss).", valueName: "file"),
            completion: .file(extensions: ["pth"])) var vgg16: String?
    @Option(help: ArgumentHelp("The lpips package's VGG linear weights, weights/v0.1/vgg.pth.", valueName: "file"),
            completion: .file(extensions: ["pth"])) var lpips: String?
    @Option(help: ArgumentHelp("Output folder (created if missing).", valueName: "dir"), completion: .directory) var out: String

    static let outputNames = ["target.png", "proj.png", "projected_w.npy", "proj.mp4"]
    static let datasetOutputNames = ["projected_ws.npy", "labels.npy", "proj-grid.png"]

    func validate() throws {
        if (photo == nil) == (data == nil) { throw ValidationError("give either a photo or --data") }
        if data == nil, count != nil { throw ValidationError("--count goes with --data") }
        if let count, !(1...1_000_000).contains(count) { throw ValidationError("--count must be in 1...1000000, not \(count)") }
        if data != nil, saveVideo { throw ValidationError("--save-video goes with a photo, not --data") }
        if !(1...100_000).contains(steps) { throw ValidationError("--steps must be in 1...100000, not \(steps)") }
        if (vgg16 == nil) != (lpips == nil) { throw ValidationError("--vgg16 and --lpips go together (LPIPS needs both files)") }
    }

    func run() throws {
        try reportingFailures {
            var plan = RunPlan()
            if let photo { try plan.read(photo) }
            if let data { try plan.readDataset(data) }
            try network.register(in: &plan)
            if let vgg16, let lpips { try plan.read(vgg16); try plan.read(lpips) }
            let names = data != nil ? Self.datasetOutputNames : saveVideo ? Self.outputNames : Array(Self.outputNames.dropLast())
            try plan.writeFolder(out, names: names)
            let image = try photo.map { try Image.readUpright(from: URL(fileURLWithPath: $0)) }
            let objective = try loadObjective()
            let generator = try network.load()
            guard generator.config.cDim == 0 else { throw UsageProblem("\(network.displayName): the network is conditional; projection takes unconditional networks") }
            guard generator.config.isStyleGAN2 else {
                throw UsageProblem("\(network.displayName): the network is \(generator.config.generation); projection takes StyleGAN2 networks only so far")
            }
            let resolution = generator.config.imageResolution
            if saveVideo { try plan.requireFrame(columns: 2, rows: 1, cell: resolution, limit: 16_384, format: "MP4 (H.264)", for: "--save-video") }
            try plan.requireMemory(MemoryEstimate.projection(generator.config), for: "projecting on a \(resolution)px network")
            var settings = ProjectionSettings()
            settings.steps = steps
            settings.wPlus = wPlus
            settings.seed = seed
            if let data {
                try projectDataset(data, plan: plan, generator: generator, objective: objective, settings: settings)
                return
            }
            let target = ProjectionTarget.tensor(from: image!, resolution: resolution)
            let projector = try Projector(generator: generator, objective: objective, settings: settings)
            let folder = try plan.createFolder(out)

            let progress = ProgressLine("Projecting", total: steps, unit: "steps")
            var history: [Tensor] = []
            let result = try projector.project(target) { step in
                if saveVideo { history.append(step.ws) }
                progress.update(step.index)
            }
            progress.clear()
            try ImageFileFormat.png.write(target, to: folder.appendingPathComponent("target.png"))
            try ImageFileFormat.png.write(projector.image(result.ws), to: folder.appendingPathComponent("proj.png"))
            try NPY.write(result.ws, to: folder.appendingPathComponent("projected_w.npy"))
            if saveVideo { try writeVideo(history, target: target, projector: projector, to: folder.appendingPathComponent("proj.mp4")) }
            print(String(format: "%@: distance %.4f after %d steps (%@)", folder.appendingPathComponent("projected_w.npy").path,
                         result.distance, steps, objective.name))
        }
    }

    /// LPIPS with both weight files, else the pixel objective, said on stderr.
    func loadObjective() throws -> ProjectionObjective { try Self.objective(vgg16: vgg16, lpips: lpips) }

    static func objective(vgg16: String?, lpips: String?) throws -> ProjectionObjective {
        if let vgg16, let lpips {
            return .lpips(try LPIPS.load(vgg16: URL(fileURLWithPath: vgg16), linear: URL(fileURLWithPath: lpips)))
        }
        FileHandle.standardError.write(Data("toon: no --vgg16/--lpips: projecting with pixel MSE + (1 - MS-SSIM), much weaker than LPIPS on photos\n".utf8))
        return .pixelAndMultiScaleSSIM
    }

    /// NVLabs' proj.mp4: per step, the target beside that step's projection, at 10 frames a second.
    private func writeVideo(_ history: [Tensor], target: Tensor, projector: Projector, to url: URL) throws {
        let r = projector.generator.config.imageResolution
        let writer = try VideoFormat.openWriter(url: url, width: 2 * r, height: r, fps: 10)
        let progress = ProgressLine("Rendering", total: history.count, unit: "frames")
        do {
            let left = try RGBFrame(tensor: target)
            for (i, ws) in history.enumerated() {
                try writer.append(try ImageGrid.compose([left, try RGBFrame(tensor: projector.image(ws))],
                                                        layout: GridLayout(rows: 1, columns: 2)!))
                progress.update(i + 1)
            }
            try writer.finish()
        } catch {
            writer.cancel()
            throw error
        }
        progress.clear()
    }
}
