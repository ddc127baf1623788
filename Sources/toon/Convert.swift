import ArgumentParser
import Foundation
import StyleGAN

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a generator checkpoint to ToonKit's format (.safetensors).",
        discussion: """
            The output keeps every weight bit for bit and records the architecture, so it loads without
            flags and memory-maps instantly.

            Example:
              toon convert stylegan2-ffhq-config-f.pkl ffhq.safetensors
            """
    )

    @Argument(help: ArgumentHelp("Input checkpoint (.pkl, .pt or .safetensors).", valueName: "in")) var input: String
    @Argument(help: ArgumentHelp("Output file (.safetensors).", valueName: "out")) var output: String

    func validate() throws {
        let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
        if ext != "safetensors" { throw ValidationError("the output must end in .safetensors") }
        if URL(fileURLWithPath: input).standardizedFileURL == URL(fileURLWithPath: output).standardizedFileURL {
            throw ValidationError("the output would overwrite the input")
        }
    }

    func run() throws {
        try reportingFailures {
            let loaded = try GeneratorLoader.load(URL(fileURLWithPath: input))
            try ToonKitFormat.write(loaded.generator, source: loaded.convertedFrom ?? loaded.format.rawValue,
                                    to: URL(fileURLWithPath: output))
        }
    }
}
