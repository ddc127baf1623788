import ArgumentParser
import Foundation
import ToonCore

@main
struct Toon: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "toon",
        abstract: "Make anime and cartoon characters with StyleGAN2, in Swift.",
        version: ToonKitVersion.string,
        subcommands: [Generate.self, Mix.self, Interpolate.self, Edit.self, Directions.self, Align.self, FacesCommand.self, Project.self, ToonifyCommand.self, Pairs.self, Distill.self, Stylize.self, Export.self, Info.self, Convert.self, BlendCommand.self, Dataset.self, UpscaleCommand.self, Train.self, MetricsCommand.self] + studioCommands
    )

    static func main() {
        Interrupts.install()
        let arguments = Array(CommandLine.arguments.dropFirst())
        // ArgumentParser answers `toon help bogus` with the main help and exit 0, which hides a typo
        // from scripts; an unknown topic is a usage error.
        // A subcommand's name is its commandName, or else its type's name in lower case.
        let names = configuration.subcommands.map { $0.configuration.commandName ?? String(describing: $0).lowercased() }
        if arguments.first == "help", arguments.count > 1, !names.contains(arguments[1]) {
            let message = "toon: help: no command '\(arguments[1])'; the commands are \(names.joined(separator: ", "))\n"
            FileHandle.standardError.write(Data(message.utf8))
            Foundation.exit(64)
        }
        // Under mpirun: join the job before any thread starts (a process alone loads no MPI).
        let world = ClusterJob.world
        // The library reads no environment; toon lets users pick its compute paths from there.
        ClusterJob.sharingCores(ComputeConfiguration.fromEnvironment()).run { main(arguments) }
        world?.finish()
    }
}
