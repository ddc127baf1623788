import ArgumentParser
import Foundation

/// Runs a subcommand's body and turns any library error into one line on stderr and exit code 1
/// (usage errors keep ArgumentParser's exit code 64).
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ValidationError {
        throw error
    } catch let error as ExitCode {
        throw error
    } catch {
        let message = "\(error)".split(separator: "\n").first.map(String.init) ?? "unknown error"
        FileHandle.standardError.write(Data("toon: \(message)\n".utf8))
        throw ExitCode.failure
    }
}

/// A problem with the command's inputs found after parsing (a file that does not fit the network...).
struct UsageProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
