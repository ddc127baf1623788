import ArgumentParser
import Foundation
import StyleGAN
import Toonify

struct BlendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blend",
        abstract: "Blend a base model with a styled fine-tune of it (Toonify's network blending).",
        discussion: """
            The mapping network, w_avg and the layers below --swap-res come from the
            base; the layers from --swap-res up from the styled model (docs/toonify.md
            has the rule layer by layer). The two may be in any format toon generate
            reads; their architectures must match. --degree scales every styled share,
            so 0 gives the base and 1 the full blend.

            Examples:
              toon blend --base ffhq.pkl --styled toons.pt --swap-res 32 \\
                  --out toonified.safetensors
              toon blend --base ffhq.pkl --styled toons.pt --swap-res 16 --level 1 \\
                  --blend-width 1 --degree 0.7 --out half-toon.safetensors
            """
    )

    @Option(help: ArgumentHelp("The base (photo) model: mapping, w_avg and coarse layers.", valueName: "file"),
            completion: .file(extensions: ["pkl", "pt", "safetensors"]))
    var base: String
    @Option(help: ArgumentHelp("The styled fine-tune of the base: the fine layers.", valueName: "file"),
            completion: .file(extensions: ["pkl", "pt", "safetensors"]))
    var styled: String
    @Option(name: .customLong("swap-res"), parsing: .unconditional,
            help: ArgumentHelp("First resolution taken from the styled model (4, 8, 16, ...).", valueName: "R"))
    var swapResolution: Int
    @Option(parsing: .unconditional, help: "0: swap at the start of the block; 1: after its first layer.")
    var level: Int = 0
    @Option(name: .customLong("blend-width"), parsing: .unconditional,
            help: ArgumentHelp("Switch smoothly over about W layers on each side (Pinkney's blend_width).", valueName: "W"))
    var blendWidth: Double?
    @Option(parsing: .unconditional, help: "How far toward the styled layers: 0 gives the base, 1 the full blend.")
    var degree: Double = 1
    @Option(help: ArgumentHelp("Output file (.safetensors, ToonKit's format).", valueName: "file"),
            completion: .file(extensions: ["safetensors"]))
    var out: String

    var settings: Blend.Settings {
        Blend.Settings(swapResolution: swapResolution, level: level, blendWidth: blendWidth, degree: degree)
    }

    func validate() throws {
        do { try settings.validate() } catch {
            if case .blend(.invalid(let why)) = error.problem { throw ValidationError(Self.optionWords(why)) }
            throw ValidationError("\(error)")
        }
        if URL(fileURLWithPath: out).pathExtension.lowercased() != "safetensors" {
            throw ValidationError("--out must end in .safetensors (ToonKit's format; convert it further with toon convert)")
        }
    }

    /// The library's words for a bad setting, named by the option the user typed.
    private static func optionWords(_ why: String) -> String {
        why.replacingOccurrences(of: "swap resolution", with: "--swap-res")
            .replacingOccurrences(of: "level", with: "--level")
            .replacingOccurrences(of: "blend width", with: "--blend-width")
            .replacingOccurrences(of: "degree", with: "--degree")
    }

    func run() throws {
        try reportingFailures {
            var plan = RunPlan()
            try plan.read(base)
            try plan.read(styled)
            try plan.write(out)
            let baseModel = try GeneratorLoader.load(URL(fileURLWithPath: base))
            let styledModel = try GeneratorLoader.load(URL(fileURLWithPath: styled))
            // Both models and the blend are held at once (foreign formats are decoded into memory).
            let bytes = Double(baseModel.generator.parameters.scalarCount) * 4
            try plan.requireMemory(3 * bytes, for: "blending two \(MemoryBudget.format(bytes)) models")
            let blended: Generator
            do {
                blended = try Blend.generator(base: baseModel.generator, styled: styledModel.generator, settings: settings)
            } catch {
                // Two files that cannot go together are a usage problem, named by the styled file.
                throw UsageProblem("\(styled): \(error)")
            }
            let source = "blend of base \(base) (\(baseModel.format.rawValue)) and styled \(styled) "
                + "(\(styledModel.format.rawValue)): \(settings.summary)"
            try ToonKitFormat.write(blended, source: source, to: URL(fileURLWithPath: out))
        }
    }
}
