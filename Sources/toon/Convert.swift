import ArgumentParser
import Foundation
import StyleGAN

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a generator checkpoint to ToonKit's format, or to rosinality's .pt.",
        discussion: """
            .safetensors: ToonKit's format. Every weight is kept bit for bit with the
            architecture, so it loads without flags and memory-maps instantly. .pt:
            rosinality/stylegan2-pytorch's checkpoint ({'g_ema', 'latent_avg'}), loadable
            with torch.load and Generator.load_state_dict(strict=True) in Python, for
            architectures that code can express (config-f channel tables, skip, no class
            labels).

            Examples:
              toon convert stylegan2-ffhq-config-f.pkl ffhq.safetensors
              toon convert ffhq.safetensors ffhq-rosinality.pt
            """
    )

    @Argument(help: ArgumentHelp("Input checkpoint (.pkl, .pt or .safetensors).", valueName: "in"),
              completion: .file(extensions: ["pkl", "pt", "safetensors"])) var input: String
    @Argument(help: ArgumentHelp("Output file: .safetensors (ToonKit) or .pt (rosinality).", valueName: "out")) var output: String

    func validate() throws {
        let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
        if !["safetensors", "pt"].contains(ext) { throw ValidationError("the output must end in .safetensors or .pt") }
        if URL(fileURLWithPath: input).standardizedFileURL == URL(fileURLWithPath: output).standardizedFileURL {
            throw ValidationError("the output would overwrite the input")
        }
    }

    func run() throws {
        try reportingFailures {
            // By identity too: a hard link or symlink to the input is the input.
            var plan = RunPlan()
            try plan.read(input)
            try plan.write(output)
            let loaded = try GeneratorLoader.load(URL(fileURLWithPath: input))
            let url = URL(fileURLWithPath: output)
            if url.pathExtension.lowercased() == "pt" {
                try RosinalityExport.write(loaded.generator, to: url)
            } else {
                try ToonKitFormat.write(loaded.generator, source: loaded.convertedFrom ?? loaded.format.rawValue, to: url)
            }
        }
    }
}
