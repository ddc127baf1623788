import ArgumentParser
import Datasets
import Foundation

/// `toon dataset ...`: make and prepare training sets.
struct Dataset: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make training datasets (NVLabs' zip layout: 00000/img00000000.png + dataset.json).",
        subcommands: [Synth.self]
    )

    struct Synth: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render a labelled set of synthetic faces.",
            discussion: """
                The same --seed gives the same people; each style draws them differently. Labels
                (hair style and colour, skin, eyes, mouth, pose, ...) go into dataset.json; docs/datasets.md
                lists them.

                Example:
                  toon dataset synth --count 10000 --resolution 64 --style anime --out anime64.zip
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
                let progress = ProgressLine("Rendering", total: count)
                try SynthDataset.write(to: URL(fileURLWithPath: out), count: count, resolution: resolution,
                                       style: style.style, seed: seed) { done in progress.update(done) }
                progress.finish("Wrote \(count) \(style.rawValue) faces to \(out)")
            }
        }
    }
}
