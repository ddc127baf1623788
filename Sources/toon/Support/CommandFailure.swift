import ArgumentParser
import Foundation

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
        throw ExitCode(64)
    } catch {
        printFailure(describe(error))
        throw ExitCode.failure
    }
}

private func printFailure(_ message: String) {
    FileHandle.standardError.write(Data("toon: \(message)\n".utf8))
}

/// The first line of an error's text; Foundation errors in plain words instead of their domain
/// and code.
private func describe(_ error: Error) -> String {
    let text = "\(error)"
    let foundation = error is CocoaError || error is POSIXError || type(of: error) is NSError.Type
        || text.contains("NSCocoaErrorDomain") || text.contains("Error Domain=")
    guard foundation else { return text.split(separator: "\n").first.map(String.init) ?? "unknown error" }
    let ns = error as NSError
    let reason = PlainWords.error(error)
    if let path = ns.userInfo[NSFilePathErrorKey] as? String { return "\(path): \(reason)" }
    if let url = ns.userInfo[NSURLErrorKey] as? URL { return "\(url.path): \(reason)" }
    return reason
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
