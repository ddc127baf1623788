import Foundation
import ToonTestSupport

/// Runs the `toon` executable built beside the test bundle and captures what it prints.
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum Toon {
    static let executable = ToonExecutable.url
    static let available = ToonExecutable.available

    /// Runs toon (or `executable`, e.g. a program that starts toon as another user), with
    /// `environment` added to this process's.
    static func run(_ arguments: [String], executable: URL = Toon.executable, environment: [String: String] = [:]) throws -> CommandResult {
        try RunningCommand(executable, arguments, environment: environment).wait()
    }

    /// A new empty folder inside this test process's own, which goes when the process exits: a test
    /// that fails before its cleanup (or has none) leaves nothing behind.
    static func temporaryFolder() -> URL {
        let url = testProcessFolder.appendingPathComponent("cli-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func fixture(_ path: String) -> String { SharedFixtures.url(path).path }
}

/// A program started with its output collected on files (so neither pipe can fill and stall it).
final class RunningCommand {
    let process = Process()
    private let out: URL, err: URL

    init(_ executable: URL, _ arguments: [String], environment: [String: String]) throws {
        let folder = Toon.temporaryFolder()
        (out, err) = (folder.appendingPathComponent("stdout"), folder.appendingPathComponent("stderr"))
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
        let (outHandle, errHandle) = (try FileHandle(forWritingTo: out), try FileHandle(forWritingTo: err))
        defer { try? outHandle.close(); try? errHandle.close() }  // the child holds its own copies
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
    }

    func wait() -> CommandResult {
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let text = { (url: URL) in String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self) }
        return CommandResult(status: process.terminationStatus, stdout: text(out), stderr: text(err))
    }
}

/// The folder every `Toon.temporaryFolder()` of this process lives in, removed at exit.
private let testProcessFolder: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("toon-tests-\(getpid())")
    try? FileManager.default.removeItem(at: url)  // a folder left by an earlier process with this id
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(at: testProcessFolder) }
    return url
}()
