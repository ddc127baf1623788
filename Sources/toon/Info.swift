import ArgumentParser
import Foundation
import StyleGAN
import Training

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Describe a generator checkpoint: format, architecture, size (and a training snapshot's progress).")

    @Argument(help: ArgumentHelp("Checkpoint file.", valueName: "file"),
              completion: .file(extensions: ["pkl", "pt", "safetensors"])) var file: String
    @Flag(help: "Print the architecture as JSON.") var json = false

    func run() throws {
        try reportingFailures {
            var plan = RunPlan()
            try plan.read(file)
            let loaded = try GeneratorLoader.load(URL(fileURLWithPath: file))
            let g = loaded.generator, c = g.config
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(c), as: UTF8.self))
                return
            }
            var lines = [
                ("file", file),
                ("format", loaded.format.rawValue + (loaded.convertedFrom.map { " (converted from \($0))" } ?? "")),
                ("resolution", "\(c.imageResolution)x\(c.imageResolution), \(c.imageChannels) channels"),
                ("latents", "z \(c.zDim), w \(c.wDim), \(g.numWs) ws" + (c.cDim > 0 ? ", \(c.cDim) classes" : "")),
                ("mapping", "\(c.mappingLayers) layers of \(c.mappingFeatures ?? c.wDim), lr multiplier \(c.mappingLRMultiplier)"),
                ("synthesis", synthesisSummary(g)),
                ("parameters", "\(g.trainableParameterCount.formatted()) (\(String(format: "%.1f", Double(g.trainableParameterCount) / 1e6)) M)"),
            ]
            if let clamp = c.convClamp { lines.append(("conv clamp", "\(clamp)")) }
            if let training = TrainingSnapshot.summary(URL(fileURLWithPath: file)) {
                lines[1] = ("format", "ToonKit training snapshot (safetensors; generates with its G_ema)")
                lines += training
            }
            let width = lines.map(\.0.count).max()!
            for (key, value) in lines { print(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value) }
        }
    }

    /// StyleGAN2: the architecture and channels per block; StyleGAN3: the config and each layer's
    /// size and channels; StyleGAN (v1): channels, level of detail and G_style's default truncation.
    private func synthesisSummary(_ g: Generator) -> String {
        let c = g.config
        if let v1 = c.styleGAN1 {
            let channels = c.blockResolutions.map { "\($0):\(c.channels(at: $0))" }.joined(separator: " ")
            let lod = g.parameters["lod"].scalar
            let truncation = g.defaultTruncation.psi == 1 ? "none"
                : "psi \(g.defaultTruncation.psi) on ws 0-\((g.defaultTruncation.cutoff ?? g.numWs) - 1)"
            return "\(c.generation) (AdaIN, \(v1.useNoise ? "noise" : "no noise"), blur \(v1.blurFilter.isEmpty ? "none" : "\(v1.blurFilter)")), "
                + "channels \(channels), lod \(lod == 0 ? "0" : "\(lod)"), default truncation \(truncation)"
        }
        if let layers = c.styleGAN3Layers {
            let sizes = layers.map { "\($0.size):\($0.channels)" }.joined(separator: " ")
            return "\(c.generation) (alias-free), \(layers.count - 1) layers + toRGB, size:channels \(sizes)"
        }
        let channels = c.blockResolutions.map { "\($0):\(c.channels(at: $0))" }.joined(separator: " ")
        return "\(c.architecture.rawValue), channels \(channels)"
    }
}
