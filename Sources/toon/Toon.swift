import ArgumentParser
import ToonCore

@main
struct Toon: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "toon",
        abstract: "Make anime and cartoon characters with StyleGAN2, in Swift.",
        version: ToonKitVersion.string,
        subcommands: [Generate.self, Mix.self, Interpolate.self, Info.self, Convert.self, Dataset.self, Train.self, MetricsCommand.self]
    )
}
