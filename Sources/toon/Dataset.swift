import ArgumentParser
import Datasets
import Foundation
import ToonIO
import Upscale

/// `toon dataset ...`: make and prepare training sets.
struct Dataset: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make training datasets (NVLabs' zip layout: 00000/img00000000.png + dataset.json).",
        subcommands: [Synth.self, Prepare.self]
    )

    struct Synth: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render a labelled set of synthetic faces.",
            discussion: """
                The same --seed gives the same people; each style draws them differently.
                Labels (hair style and colour, skin, eyes, mouth, pose, ...) go into
                dataset.json; docs/datasets.md lists them.

                Example:
                  toon dataset synth --count 10000 --resolution 64 --style anime \\
                    --out anime64.zip
                """
        )

        @Option(help: "Number of images (1...1000000).") var count: Int
        @Option(help: "Image side in pixels: a power of two in 8...1024.") var resolution: Int
        @Option(help: "Drawing style.") var style: FaceStyleChoice
        @Option(help: ArgumentHelp("The zip to write.", valueName: "file")) var out: String
        @Option(help: "Seed of the people drawn.") var seed: UInt64 = 0

        enum FaceStyleChoice: String, ExpressibleByArgument, CaseIterable {
            case shaded, flat, anime
            var style: FaceStyle { FaceStyle(rawValue: rawValue)! }
        }

        func validate() throws {
            guard (1...1_000_000).contains(count) else { throw ValidationError("--count must be in 1...1000000, not \(count)") }
            guard (8...1024).contains(resolution), resolution & (resolution - 1) == 0 else {
                throw ValidationError("--resolution must be a power of two in 8...1024, not \(resolution)")
            }
            guard !out.isEmpty else { throw ValidationError("--out must name a file") }
        }

        func run() throws {
            try reportingFailures {
                try RunPlan().write(out)
                let progress = ProgressLine("Rendering", total: count)
                try SynthDataset.write(to: URL(fileURLWithPath: out), count: count, resolution: resolution,
                                       style: style.style, seed: seed) { done in progress.update(done) }
                progress.finish("Wrote \(count) \(style.rawValue) faces to \(out)")
            }
        }
    }

    struct Prepare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn a folder or zip of PNG/JPEG files into a training set.",
            discussion: """
                Converts to 8-bit sRGB RGB (gray expanded, alpha composited over black,
                16-bit, palette and CMYK images converted), crops, resizes (Lanczos-3) and
                writes NVLabs' layout. A file that cannot be used is skipped with its
                reason on stderr; the summary (kept, and dropped by reason) goes to stdout.
                docs/datasets.md has the rules.

                --crop faces cuts out every face the detector finds (dlib's CNN by default;
                --detector cascade=lbpcascade_animeface.xml for anime faces, see
                docs/datasets.md), grown by --face-margin, as a square; faces under --min-face
                are dropped and named. Crops smaller than --resolution are enlarged as
                --upscale says: lanczos (the default), waifu2x (its anime networks, doubling
                as often as needed) or none (dropped).

                Examples:
                  toon dataset prepare photos/ --out faces256.zip --resolution 256 \\
                    --dedupe 4 --drop-grayscale
                  toon dataset prepare danbooru/ --out anime512.zip --resolution 512 \\
                    --crop faces --detector cascade=lbpcascade_animeface.xml \\
                    --face-margin 0.5 --min-face 128 --upscale waifu2x=upresnet10 --dedupe 4
                """
        )

        @Argument(help: ArgumentHelp("A folder (searched recursively) or a zip of images.", valueName: "source"))
        var source: String
        @Option(help: ArgumentHelp("The zip to write.", valueName: "file")) var out: String
        @Option(help: "Image side in pixels: a power of two in 4...4096.") var resolution: Int
        @Option(help: "center: largest centred square; center-wide: NVLabs' center-crop-wide; none: square images only; faces: a square around every face found.")
        var crop: CropChoice = .center
        @OptionGroup(title: "Faces (--crop faces)") var detection: FaceDetectorOptions
        @Option(parsing: .unconditional,
                help: ArgumentHelp("With --crop faces: how far each face box is grown on every side, as a fraction of its size (0...4; default 0.1).", valueName: "fraction"))
        var faceMargin: Double?
        @Option(parsing: .unconditional,
                help: ArgumentHelp("With --crop faces: drop faces whose box is narrower or shorter than this (default 0: keep all).", valueName: "pixels"))
        var minFace: Int?
        @Option(help: ArgumentHelp("How crops smaller than --resolution are enlarged: lanczos, waifu2x[=upconv7|upresnet10|vgg7|resnet10] (default upconv7; scripts/fetch-models installs the models) or none (such crops are dropped).",
                                   valueName: "none|lanczos|waifu2x[=MODEL]"))
        var upscale: String = "lanczos"
        @Option(parsing: .unconditional,
                help: ArgumentHelp("With --upscale waifu2x: its noise reduction level 0...3, or -1 for none.", valueName: "level"))
        var upscaleNoise: Int = -1
        @Flag(help: "Drop images whose pixels are all gray, also gray stored as RGB.") var dropGrayscale = false
        @Flag(help: "Drop single-colour images.") var dropFlat = false
        @Option(help: ArgumentHelp("Drop images within this many bits (0...64) of the perceptual hash of one kept earlier.",
                                   valueName: "bits"))
        var dedupe: Int?
        @Option(help: ArgumentHelp("Drop images whose shorter side is under this many pixels.", valueName: "pixels"))
        var minSize: Int = 0
        @Option(help: ArgumentHelp("JSON mapping source-relative paths to labels (class indices or lists of numbers).",
                                   valueName: "file"))
        var labels: String?

        enum CropChoice: String, ExpressibleByArgument, CaseIterable {
            case center, centerWide = "center-wide", none, faces
            var crop: PrepareCrop { PrepareCrop(rawValue: rawValue)! }
        }

        enum UpscaleChoice: Equatable {
            case none, lanczos
            case waifu2x(Waifu2xArchitecture)
        }

        func parsedUpscale() throws -> UpscaleChoice {
            switch upscale {
            case "none": return .none
            case "lanczos": return .lanczos
            case "waifu2x": return .waifu2x(.upconv7)
            case let text where text.hasPrefix("waifu2x="):
                guard let architecture = Waifu2xArchitecture(rawValue: String(text.dropFirst("waifu2x=".count))) else {
                    throw ValidationError("--upscale waifu2x=MODEL takes upconv7, upresnet10, vgg7 or resnet10, not '\(text.dropFirst("waifu2x=".count))'")
                }
                return .waifu2x(architecture)
            default: throw ValidationError("--upscale must be none, lanczos, waifu2x or waifu2x=MODEL, not '\(upscale)'")
            }
        }

        func validate() throws {
            guard PrepareOptions.resolutions.contains(resolution), resolution & (resolution - 1) == 0 else {
                throw ValidationError("--resolution must be a power of two in 4...4096, not \(resolution)")
            }
            if let dedupe, !(0...64).contains(dedupe) { throw ValidationError("--dedupe must be in 0...64, not \(dedupe)") }
            guard minSize >= 0 else { throw ValidationError("--min-size must not be negative") }
            guard !out.isEmpty else { throw ValidationError("--out must name a file") }
            if crop != .faces && (faceMargin != nil || minFace != nil) {
                throw ValidationError("--face-margin and --min-face apply to --crop faces")
            }
            if let faceMargin, !PrepareFaces.margins.contains(faceMargin) {
                throw ValidationError("--face-margin must be in 0...4, not \(faceMargin)")
            }
            if let minFace, minFace < 0 { throw ValidationError("--min-face must not be negative") }
            let upscaling = try parsedUpscale()
            if !(-1...3).contains(upscaleNoise) { throw ValidationError("--upscale-noise must be -1 (none) or 0 to 3, got \(upscaleNoise)") }
            if upscaleNoise >= 0 {
                guard case .waifu2x = upscaling else { throw ValidationError("--upscale-noise applies to --upscale waifu2x") }
            }
        }

        func run() throws {
            try reportingFailures {
                var plan = RunPlan()
                try plan.readDataset(source)
                if let labels { try plan.read(labels) }
                if crop == .faces { try detection.register(in: &plan) }
                let upscaling = try parsedUpscale()
                let environment = ProcessInfo.processInfo.environment
                let noiseLevel = upscaleNoise < 0 ? nil : upscaleNoise
                if case .waifu2x(let architecture) = upscaling {
                    for task in Waifu2x.tasks(architecture, noiseLevel: noiseLevel, scale: 2) {
                        if let path = ModelsFolder.find(architecture.relativePath(task), environment: environment) { try plan.read(path) }
                    }
                }
                try plan.write(out)
                var options = PrepareOptions(resolution: resolution, crop: crop.crop)
                options.dropGrayscale = dropGrayscale
                options.dropFlat = dropFlat
                options.dedupeDistance = dedupe
                options.minimumSize = minSize
                if let labels { options.labels = try PrepareLabels(contentsOf: URL(fileURLWithPath: labels)) }
                if crop == .faces {
                    options.faces = PrepareFaces(detector: try detection.faceDetector(), margin: faceMargin ?? 0.1,
                                                 minimumSide: minFace ?? 0)
                }
                switch upscaling {
                case .none: options.upscale = .none
                case .lanczos: options.upscale = .lanczos
                case .waifu2x(let architecture):
                    options.upscale = .waifu2x(try Waifu2x.loadDefault(architecture, noiseLevel: noiseLevel, scale: 2,
                                                                      environment: environment))
                }
                let shown = source.hasSuffix("/") && source.count > 1 ? String(source.dropLast()) : source
                var progress: ProgressLine?
                let summary = try DatasetPreparer.prepare(
                    from: URL(fileURLWithPath: source), to: URL(fileURLWithPath: out), options: options,
                    dropped: { drop in
                        progress?.clear()
                        FileHandle.standardError.write(Data("\(shown)/\(drop.description)\n".utf8))
                    },
                    progress: { done, total in
                        if progress == nil { progress = ProgressLine("Preparing", total: total, unit: "files") }
                        progress?.update(done)
                    })
                progress?.clear()
                print("\(out): \(summary.description)")
                for (reason, count) in summary.droppedByReason { print("  \(reason): \(count)") }
            }
        }
    }
}
