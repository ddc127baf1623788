import Foundation
import Testing

/// Every command's discussion fits an 80-column terminal as written. ArgumentParser keeps the
/// discussion's own line breaks and wraps any line longer than the terminal, which leaves a word or
/// two stranded on a line of their own; so the discussion must read the same at 80 columns as
/// on a terminal wide enough never to wrap.
@Suite("toon help text", .enabled(if: Toon.available, "the toon executable is not built"))
struct HelpTextCommandTests {
    /// `toon`'s subcommands and theirs, as their help lists them.
    static func commands(_ parent: [String] = []) throws -> [[String]] {
        let help = try Toon.run(parent + ["--help"]).stdout
        guard let start = help.range(of: "\nSUBCOMMANDS:\n") else { return [] }
        let names = help[start.upperBound...].split(separator: "\n").prefix { !$0.hasPrefix("  See ") }
            .compactMap { line -> String? in
                guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }  // deeper lines continue an abstract
                return line.split(separator: " ").first.map(String.init)
            }
        return try names.flatMap { [parent + [$0]] + (try commands(parent + [$0])) }
    }

    /// The help's discussion: after the abstract (one paragraph that ArgumentParser may wrap) and before USAGE.
    static func discussion(_ command: [String], columns: Int) throws -> String {
        let result = try Toon.run(command + ["--help"], environment: ["COLUMNS": "\(columns)"])
        let beforeUsage = result.stdout.components(separatedBy: "\nUSAGE:").first ?? ""
        return beforeUsage.range(of: "\n\n").map { String(beforeUsage[$0.upperBound...]) } ?? ""
    }

    @Test("no discussion wraps at 80 columns")
    func descriptionsFit() throws {
        let commands = try Self.commands()
        #expect(commands.count >= 20, "\(commands)")
        for command in [[]] + commands {
            let narrow = try Self.discussion(command, columns: 80), wide = try Self.discussion(command, columns: 1000)
            let stranded = narrow.split(separator: "\n").filter { !wide.split(separator: "\n").contains($0) }
            #expect(narrow == wide, "toon \(command.joined(separator: " ")) --help wraps at 80 columns: \(stranded.joined(separator: " | "))")
        }
    }
}
