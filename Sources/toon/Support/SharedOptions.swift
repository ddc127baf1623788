import ArgumentParser
import Foundation
import BuiltInModels
import StyleGAN
import ToonIO

/// `--network FILE`: any checkpoint ToonKit reads (the format comes from the content); without it,
/// ToonKit's built-in model.
struct NetworkOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Generator checkpoint: NVLabs .pkl (TF or PyTorch), rosinality .pt, ToonKit .safetensors or a training snapshot (default: the built-in \(BuiltInModel.default.rawValue) model).", valueName: "file"))
    var network: String?

    func load() throws -> Generator {
        guard let network else { return try BuiltInModel.default.load() }
        return try GeneratorLoader.load(URL(fileURLWithPath: network)).generator
    }
}

/// Truncation, noise and class: the options every sampling command shares.
struct SamplingFlags: ParsableArguments {
    @Option(name: .customLong("trunc"), help: "Truncation psi (1 = none; 0.5-0.7 gives cleaner, less varied faces).")
    var truncationPsi: Float = 1

    @Option(name: .customLong("trunc-cutoff"), help: ArgumentHelp("Truncate only the first N ws (coarse styles).", valueName: "N"))
    var truncationCutoff: Int?

    @Option(name: .customLong("class"), help: ArgumentHelp("Class index for conditional networks.", valueName: "N"))
    var classIndex: Int?

    @Option(name: .customLong("noise-mode"), help: "Per-pixel noise: const (the network's stored noise, reproducible), random, none.")
    var noiseMode: NoiseChoice = .const

    enum NoiseChoice: String, ExpressibleByArgument, CaseIterable { case const, random, none }

    func validate() throws {
        if let cutoff = truncationCutoff, cutoff < 0 { throw ValidationError("--trunc-cutoff must be 0 or more") }
        if !truncationPsi.isFinite { throw ValidationError("--trunc must be a number") }
    }

    /// Sampling options; random noise is seeded per image so a run can be repeated.
    func options(noiseSeed: UInt32 = 0) -> SamplingOptions {
        let noise: NoiseMode = switch noiseMode {
        case .const: .const
        case .random: .random(seed: noiseSeed)
        case .none: .none
        }
        return SamplingOptions(truncation: Truncation(psi: truncationPsi, cutoff: truncationCutoff), noise: noise,
                               classIndex: classIndex)
    }
}

/// `--grid RxC`.
func parseGrid(_ text: String?) throws -> GridLayout? {
    guard let text else { return nil }
    do { return try GridLayout(parsing: text) } catch { throw ValidationError("--grid: \(error)") }
}

/// Seeds as `0-99,120`.
func parseSeeds(_ text: String, option: String = "--seeds") throws -> [UInt32] {
    do { return try SeedList.parse(text) } catch { throw ValidationError("\(option): \(error)") }
}

/// Creates `folder` (and parents) if needed.
func ensureFolder(_ path: String) throws -> URL {
    let url = URL(fileURLWithPath: path, isDirectory: true)
    do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
        throw UsageProblem("\(path): cannot create the output folder (\(error.localizedDescription))")
    }
    return url
}
