import ArgumentParser
import Foundation
import ToonIO

/// Runs a subcommand's body and turns every failure into one line on stderr: exit 64 for usage
/// problems (options that cannot work together or with the given files), 1 for anything else.
/// ArgumentParser's own `ValidationError`s keep its usage text and exit 64.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ValidationError {
        throw error
    } catch let error as ExitCode {
        throw error
    } catch let error as UsageProblem {
        printFailure(error.description)
        ClusterJob.abortIfRunning(code: 64)
        throw ExitCode(64)
    } catch {
        printFailure(describe(error))
        ClusterJob.abortIfRunning(code: 1)
        throw ExitCode.failure
    }
}

private func printFailure(_ message: String) {
    FileHandle.standardError.write(Data("toon: \(ClusterJob.rankPrefix)\(message)\n".utf8))
}

/// The first line of an error's text; Foundation and system errors in plain words, with the file
/// they name, instead of their domain and code.
private func describe(_ error: Error) -> String {
    guard SystemErrorText.isSystemError(error) else {
        return "\(error)".split(separator: "\n").first.map(String.init) ?? "unknown error"
    }
    let reason = SystemErrorText.reason(error)
    return SystemErrorText.path(of: error).map { "\($0): \(reason)" } ?? reason
}

/// Options that cannot work: together, or with the files given (exit 64).
struct UsageProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A failure of the run itself: a file that cannot be read or written, a full disk (exit 1).
struct RunFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
