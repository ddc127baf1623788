import Foundation
import Testing
import ToonIO
import ToonTestSupport

/// SIGINT and SIGTERM at random moments of a run: toon exits with 130 or 143, no temporary file of
/// the run is left (neither `.partial-*` beside the outputs nor ffmpeg's log), no ffmpeg is left
/// running, and every output that was already finished is complete.
@Suite("toon stops cleanly on SIGINT and SIGTERM", .enabled(if: SharedFixtures.available && Toon.available, SharedFixtures.skipReason))
struct SignalCommandTests {
    static let moments: [(Int32, String)] = [
        (SIGINT, "generate"), (SIGTERM, "generate"), (SIGINT, "generate"), (SIGTERM, "generate"),
        (SIGINT, "gif"), (SIGTERM, "gif"), (SIGINT, "mp4"), (SIGTERM, "mp4"), (SIGINT, "mp4"), (SIGTERM, "mix"),
        (SIGINT, "edit"), (SIGTERM, "edit"),
    ]

    @Test("an interrupted run leaves no temporary file and no child, and exits 128 + signal", arguments: moments)
    func interrupted(signal: Int32, command: String) throws {
        if command == "mp4" && FFmpegProbe.missing { return }
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scratch = folder.appendingPathComponent("tmp"), out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let network = Toon.fixture("nvlabs/nv_ada_64.pkl")
        let arguments: [String] = switch command {
        case "generate": ["generate", "--network", network, "--seeds", "0-2000", "--grid", "40x51", "--outdir", out.path]
        case "mix": ["mix", "--network", network, "--rows", "0-200", "--cols", "0-200", "--outdir", out.path]
        case "edit": ["edit", "--network", network, "--seeds", "0-500", "--direction", "sefa:0", "--strength", "-2,-1,0,1,2",
                      "--grid", "--outdir", out.path]
        default: ["interpolate", "--network", network, "--seeds", "0-3", "--frames", "2000", "--out", out.path + "/walk.\(command)"]
        }
        if command == "gif" || command == "mp4" { try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true) }

        // ffmpeg's log goes to TMPDIR: a folder of the test's own, checked afterwards.
        let environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": scratch.path]) { $1 }
        let (process, delay) = try Toon.interrupt(arguments, signal: signal, watching: out, maxDelay: 1_500_000, environment: environment)

        #expect(process.terminationReason == .exit && process.terminationStatus == 128 + signal,
                "delay \(delay) µs: status \(process.terminationStatus), reason \(process.terminationReason.rawValue)")
        let left = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(!left.contains { $0.contains(".partial") }, "delay \(delay) µs: \(left.filter { $0.contains(".partial") })")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty, "ffmpeg's log was left")
        #expect(ChildProcesses.mentioning(folder.path).isEmpty, "a child still runs: \(ChildProcesses.mentioning(folder.path))")
        // What was finished stays, complete.
        for name in left where name.hasSuffix(".png") {
            #expect(throws: Never.self, "\(name) is incomplete") { try Image.read(from: out.appendingPathComponent(name)) }
        }
    }
}

enum FFmpegProbe {
    static let missing = ProgramSearch.locate("ffmpeg") == nil
}

/// Processes whose command line mentions a path: children a test's run may have left behind.
enum ChildProcesses {
    /// "pid: command line" of each, for messages.
    static func mentioning(_ text: String) -> [String] {
        matching(text).map { "\($0.id): \($0.line)" }
    }

    /// Each live process whose command line contains `text`, read from /proc.
    static func matching(_ text: String) -> [(id: Int32, line: String)] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { name in
            guard let id = Int32(name), let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
            // Zombies have an empty command line; only live processes count.
            return line.contains(text) ? (id, line) : nil
        }
    }
}

/// Even SIGKILL, which toon cannot handle, takes ffmpeg with it: the child is started with a
/// parent-death signal. A stand-in ffmpeg that never reads makes the child outlive any natural end.
@Suite("ffmpeg dies with toon", .enabled(if: SharedFixtures.available && Toon.available, SharedFixtures.skipReason))
struct ChildLifetimeCommandTests {
    @Test("after SIGKILL of toon no ffmpeg of the run is left running")
    func childDiesWithToon() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bin = folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let fake = bin.appendingPathComponent("ffmpeg")
        try Data("#!/bin/sh\nwhile :; do sleep 1; done\n".utf8).write(to: fake)
        chmod(fake.path, 0o755)

        let process = Process()
        process.executableURL = Toon.executable
        process.arguments = ["interpolate", "--network", Toon.fixture("nvlabs/nv_ada_64.pkl"), "--seeds", "0-3", "--frames", "400",
                             "--out", folder.appendingPathComponent("w.mp4").path]
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        process.environment = ProcessInfo.processInfo.environment.merging(["PATH": path, "TMPDIR": folder.path]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var waited = 0
        while process.isRunning && ChildProcesses.mentioning(fake.path).isEmpty && waited < 6000 { usleep(10_000); waited += 1 }
        #expect(!ChildProcesses.mentioning(fake.path).isEmpty, "the stand-in ffmpeg never started")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        // The kernel signals the child as toon dies; allow it a moment to be gone.
        var grace = 0
        while !ChildProcesses.mentioning(fake.path).isEmpty && grace < 500 { usleep(10_000); grace += 1 }
        #expect(ChildProcesses.mentioning(fake.path).isEmpty, "\(ChildProcesses.mentioning(fake.path))")
    }
}
