import ArgumentParser
import Foundation
import BuiltInModels
import StyleGAN
import ToonIO

/// `--network FILE`: any checkpoint ToonKit reads (the format comes from the content); without it,
/// ToonKit's built-in model.
struct NetworkOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Generator checkpoint: NVLabs .pkl (TF or PyTorch), rosinality .pt, ToonKit .safetensors or a training snapshot (default: the built-in \(BuiltInModel.default.rawValue) model).", valueName: "file"),
            completion: .file(extensions: ["pkl", "pt", "safetensors"]))
    var network: String?

    /// How messages name the network: its path, or the built-in model's name.
    var displayName: String { network ?? "built-in model \(BuiltInModel.default.rawValue)" }

    /// Adds the network file (the built-in model's when none is named) to the plan's inputs.
    func register(in plan: inout RunPlan) throws {
        if let path = network ?? BuiltInModel.default.url?.path { try plan.read(path) }
    }

    /// Loads the network; the plan must have checked the path (`RunPlan.read`) first, so a FIFO
    /// or a folder never reaches the loader. Errors name the file.
    func load() throws -> Generator {
        guard let network else { return try BuiltInModel.default.load() }
        return try Self.load(network)
    }

    /// The generator in the file at `path`, an error naming the file when the loader's does not.
    static func load(_ path: String) throws -> Generator {
        do { return try GeneratorLoader.load(URL(fileURLWithPath: path)).generator } catch {
            guard error.file == nil else { throw error }
            throw RunFailure("\(path): \(error)")
        }
    }
}

/// Truncation, noise and class: the options every sampling command shares.
struct SamplingFlags: ParsableArguments {
    // Unconditional parsing: `--trunc -0.5` is a value (negative psi is meaningful), not an option.
    @Option(name: .customLong("trunc"), parsing: .unconditional,
            help: "Truncation psi (1 = none; 0.5-0.7 gives cleaner, less varied faces). Default 1; a StyleGAN (v1) network's own default (G_style's, 0.7 on the first 8 ws).")
    var truncationPsi: Float?

    @Option(name: .customLong("trunc-cutoff"), parsing: .unconditional,
            help: ArgumentHelp("Truncate only the first N ws (coarse styles). Default all; StyleGAN (v1): the network's truncation_cutoff (8).", valueName: "N"))
    var truncationCutoff: Int?

    @Option(name: .customLong("class"), parsing: .unconditional, help: ArgumentHelp("Class index for conditional networks.", valueName: "N"))
    var classIndex: Int?

    @Option(name: .customLong("noise-mode"), help: "Per-pixel noise: const (the network's stored noise, reproducible), random, none.")
    var noiseMode: NoiseChoice = .const

    enum NoiseChoice: String, ExpressibleByArgument, CaseIterable { case const, random, none }

    func validate() throws {
        if let cutoff = truncationCutoff, cutoff < 0 { throw ValidationError("--trunc-cutoff must be 0 or more, got \(cutoff)") }
        if let psi = truncationPsi, !psi.isFinite { throw ValidationError("--trunc must be a finite number (e.g. 0.7), got \(psi)") }
        if let classIndex, classIndex < 0 { throw ValidationError("--class must be 0 or more, got \(classIndex)") }
    }

    /// Checks against the loaded network (read from `network`) what parsing alone cannot.
    func check(against generator: Generator, network: String) throws {
        if let cutoff = truncationCutoff, cutoff > generator.numWs {
            throw UsageProblem("--trunc-cutoff \(cutoff) is beyond this network's \(generator.numWs) ws (0-\(generator.numWs))")
        }
        // The class against the network's labels, naming the network: the same check sampling
        // makes later, made before any work. A class the network cannot take is a usage problem.
        do { _ = try Latents.classLabels(classIndex, count: 0, cDim: generator.config.cDim) } catch {
            throw UsageProblem("\(network): \(error)")
        }
    }

    /// Sampling options for `generator`; random noise is seeded per image so a run can be repeated.
    func options(for generator: Generator, noiseSeed: UInt32 = 0) -> SamplingOptions {
        let noise: NoiseMode = switch noiseMode {
        case .const: .const
        case .random: .random(seed: noiseSeed)
        case .none: .none
        }
        return SamplingOptions(truncation: truncation(for: generator), noise: noise, classIndex: classIndex)
    }

    /// The truncation asked for, the network's own default filling in what was not (`Generator.truncation`).
    func truncation(for generator: Generator) -> Truncation {
        generator.truncation(psi: truncationPsi, cutoff: truncationCutoff)
    }
}

/// `--grid RxC`.
func parseGrid(_ text: String?) throws -> GridLayout? {
    guard let text else { return nil }
    do { return try GridLayout(parsing: text) } catch { throw ValidationError("--grid: \(error)") }
}

/// Seeds (or layers, for `--styles`) as `0-99,120`.
func parseSeeds(_ text: String, option: String = "--seeds") throws -> [UInt32] {
    do { return try SeedList.parse(text) } catch {
        if case .seedList(.invalid(_, let why)) = error.problem { throw ValidationError("\(option) '\(text)': \(why)") }
        throw ValidationError("\(option): \(error)")
    }
}
