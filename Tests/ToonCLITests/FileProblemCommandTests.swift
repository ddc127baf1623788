import Foundation
import Testing
import ToonTestSupport

/// Every command checks its files before any work and says what is wrong in one line, in a user's
/// words: `toon: <file>: <reason>`, exit 1, nothing left behind. Inputs: missing, a directory
/// where a file belongs (or a file where a folder belongs), unreadable. Outputs: in a missing
/// folder, in a read-only folder.
///
/// Permission cases run as `nobody` when the tests run as root (as in CI), since root may read and
/// write anything: what a user would see is what is checked.
@Suite("toon names the file and the problem when a file cannot be read or written",
       .enabled(if: SharedFixtures.available && Toon.available, SharedFixtures.skipReason))
struct FileProblemCommandTests {
    @Test("a missing input", arguments: FileCase.inputs)
    func missingInput(_ test: FileCase) throws {
        try test.expectRefusal(prepare: { _ in }, reason: "no such file or directory")
    }

    @Test("an input of the wrong kind: a directory for a file, a file for a folder",
          arguments: FileCase.inputs.filter { $0.kind != .fileOrFolder })
    func wrongKind(_ test: FileCase) throws {
        let isFolderInput = test.kind == .folder
        try test.expectRefusal(prepare: { path in
            if isFolderInput { try Data("x".utf8).write(to: path) } else { try FileManager.default.createDirectory(at: path, withIntermediateDirectories: false) }
        }, reason: isFolderInput ? "a regular file, not a directory" : "a directory, not a regular file")
    }

    @Test("an unreadable input", .enabled(if: AsUser.possible, AsUser.skipReason), arguments: FileCase.inputs)
    func unreadableInput(_ test: FileCase) throws {
        let asFolder = test.kind == .folder
        try test.expectRefusal(prepare: { path in
            if asFolder { try FileManager.default.createDirectory(at: path, withIntermediateDirectories: false) } else { try Data("x".utf8).write(to: path) }
            chmod(path.path, 0)
        }, reason: "permission denied", asUser: true)
    }

    @Test("an unreadable folder where a folder or a zip is read", .enabled(if: AsUser.possible, AsUser.skipReason),
          arguments: FileCase.inputs.filter { $0.kind == .fileOrFolder })
    func unreadableFolder(_ test: FileCase) throws {
        try test.expectRefusal(prepare: { path in
            try FileManager.default.createDirectory(at: path, withIntermediateDirectories: false)
            chmod(path.path, 0)
        }, reason: "permission denied", asUser: true)
    }

    @Test("an output in a missing folder", arguments: FileCase.fileOutputs)
    func outputInMissingFolder(_ test: FileCase) throws {
        try test.expectRefusal(prepare: { _ in }, reason: "no such file or directory")
    }

    @Test("an output in a read-only folder", .enabled(if: AsUser.possible, AsUser.skipReason),
          arguments: FileCase.fileOutputs + FileCase.folderOutputs)
    func outputInReadOnlyFolder(_ test: FileCase) throws {
        try test.expectRefusal(prepare: { path in
            try FileManager.default.createDirectory(at: path, withIntermediateDirectories: false)
            chmod(path.path, 0o555)
        }, reason: "permission denied", asUser: true)
    }
}

/// One command line with one path under test (`BAD`); the other paths are good files.
struct FileCase: Sendable, CustomTestStringConvertible {
    enum Kind: Sendable { case file, folder, fileOrFolder, outputFolder }

    let arguments: [String]
    /// The name the path under test gets in the case's folder.
    let name: String
    let kind: Kind

    var testDescription: String {
        arguments.prefix(2).joined(separator: " ") + " with " + (arguments.firstIndex(of: "BAD").map { $0 > 0 ? arguments[$0 - 1] : "" } ?? "")
            + " " + name
    }

    static let network = Toon.fixture("nvlabs/nv_ada_64.pkl")
    static let blendable = Toon.fixture("rosinality/rosinality_16.pt")
    /// A small PNG from this repository's fixtures.
    static let image = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/waifu2x/chelsea_eye.png").path

    /// Inputs: BAD is the input; OUT is a fresh output path.
    static let inputs: [FileCase] = [
        FileCase(["generate", "--network", "BAD", "--seeds", "0", "--outdir", "OUT"], "model.pkl", .file),
        FileCase(["generate", "--network", "NET", "--projected-w", "BAD", "--outdir", "OUT"], "ws.npy", .file),
        FileCase(["mix", "--network", "BAD", "--rows", "0", "--cols", "1", "--outdir", "OUT"], "model.pkl", .file),
        FileCase(["interpolate", "--network", "BAD", "--seeds", "0,1", "--frames", "2", "--out", "OUT.gif"], "model.pkl", .file),
        FileCase(["edit", "--network", "BAD", "--seeds", "0", "--direction", "sefa:0", "--outdir", "OUT"], "model.pkl", .file),
        FileCase(["edit", "--network", "NET", "--seeds", "0", "--direction", "BAD:0", "--outdir", "OUT"], "directions.npy", .file),
        FileCase(["info", "BAD"], "model.pkl", .file),
        FileCase(["convert", "BAD", "OUT.safetensors"], "model.pkl", .file),
        FileCase(["blend", "--base", "BAD", "--styled", "BLENDABLE", "--swap-res", "8", "--out", "OUT.safetensors"], "base.pt", .file),
        FileCase(["blend", "--base", "BLENDABLE", "--styled", "BAD", "--swap-res", "8", "--out", "OUT.safetensors"], "styled.pt", .file),
        FileCase(["dataset", "prepare", "BAD", "--out", "OUT.zip", "--resolution", "8"], "photos", .fileOrFolder),
        FileCase(["dataset", "prepare", "DATA", "--labels", "BAD", "--out", "OUT.zip", "--resolution", "8"], "labels.json", .file),
        FileCase(["train", "--data", "BAD", "--outdir", "OUT", "--kimg", "0.001"], "data.zip", .fileOrFolder),
        FileCase(["train", "--data", "DATA", "--resume", "BAD", "--outdir", "OUT", "--kimg", "0.001"], "snapshot.safetensors", .file),
        FileCase(["metrics", "--metric", "swd", "--network", "BAD", "--data", "DATA"], "model.pkl", .file),
        FileCase(["metrics", "--metric", "swd", "--network", "NET", "--data", "BAD"], "data.zip", .fileOrFolder),
        FileCase(["metrics", "--metric", "swd", "--real", "BAD", "--fake", "FOLDER"], "reals", .fileOrFolder),
        FileCase(["metrics", "--metric", "ssim", "--real", "BAD", "--fake", "FOLDER"], "reals", .folder),
        FileCase(["metrics", "--metric", "psnr", "--real", "FOLDER", "--fake", "BAD"], "fakes", .folder),
        FileCase(["align", "BAD", "--out", "OUT"], "photo.jpg", .file),
        FileCase(["upscale", "BAD", "--out", "OUT"], "picture.png", .file),
    ]

    /// File outputs: BAD is the folder the output goes in (`BAD/<file>`).
    static let fileOutputs: [FileCase] = [
        FileCase(["interpolate", "--network", "NET", "--seeds", "0,1", "--frames", "2", "--out", "BAD/walk.gif"], "videos", .folder),
        FileCase(["convert", "NET", "BAD/model.safetensors"], "models", .folder),
        FileCase(["blend", "--base", "BLENDABLE", "--styled", "BLENDABLE", "--swap-res", "8", "--out", "BAD/blend.safetensors"], "models", .folder),
        FileCase(["dataset", "synth", "--count", "2", "--resolution", "8", "--style", "flat", "--out", "BAD/faces.zip"], "datasets", .folder),
        FileCase(["dataset", "prepare", "DATA", "--out", "BAD/prepared.zip", "--resolution", "8"], "datasets", .folder),
        FileCase(["edit", "--network", "NET", "--seeds", "0", "--direction", "sefa:0", "--save-directions", "BAD/directions.npy", "--outdir", "OUT"],
                 "directions", .folder),
    ]

    /// Output folders, which toon creates with their parents: BAD is the folder above them, which
    /// exists but cannot be written.
    static let folderOutputs: [FileCase] = [
        FileCase(["generate", "--network", "NET", "--seeds", "0", "--outdir", "BAD/out"], "images", .outputFolder),
        FileCase(["mix", "--network", "NET", "--rows", "0", "--cols", "1", "--outdir", "BAD/out"], "images", .outputFolder),
        FileCase(["edit", "--network", "NET", "--seeds", "0", "--direction", "sefa:0", "--outdir", "BAD/out"], "images", .outputFolder),
        FileCase(["train", "--data", "DATA", "--outdir", "BAD/runs", "--kimg", "0.001"], "runs", .outputFolder),
        FileCase(["generate", "--network", "NET", "--seeds", "0", "--outdir", "BAD"], "images", .outputFolder),
        // Any regular file passes align's input check; the output folder is refused before it is decoded.
        FileCase(["align", "NET", "--out", "BAD/out"], "aligned", .outputFolder),
        // The pictures are decoded (for their sizes) before the output folder is checked.
        FileCase(["upscale", "IMAGE", "--out", "BAD/out"], "upscaled", .outputFolder),
    ]

    init(_ arguments: [String], _ name: String, _ kind: Kind) {
        self.arguments = arguments
        self.name = name
        self.kind = kind
    }

    /// Makes a folder with good inputs, lets `prepare` make the path under test (or leave it
    /// missing), runs toon, and expects exactly `toon: <path>: <reason>`, exit 1, and no new file.
    func expectRefusal(prepare: (URL) throws -> Void, reason: String, asUser: Bool = false,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let folder = Toon.temporaryFolder()
        defer {
            // Undo the chmods so the folder can be removed.
            _ = try? FileManager.default.subpathsOfDirectory(atPath: folder.path).map { chmod(folder.appendingPathComponent($0).path, 0o755) }
            chmod(folder.appendingPathComponent(name).path, 0o755)
            try? FileManager.default.removeItem(at: folder)
        }
        let data = folder.appendingPathComponent("data.zip"), reals = folder.appendingPathComponent("folder")
        try FileManager.default.createDirectory(at: reals, withIntermediateDirectories: false)
        if arguments.contains("DATA") {
            let made = try Toon.run(["dataset", "synth", "--count", "2", "--resolution", "8", "--style", "flat", "--out", data.path])
            try #require(made.status == 0, "\(made.stderr)")
        }
        let bad = folder.appendingPathComponent(name)
        try prepare(bad)
        let before = try Self.listing(folder)
        let args = arguments.map { argument -> String in
            switch argument {
            case "NET": Self.network
            case "BLENDABLE": Self.blendable
            case "DATA": data.path
            case "FOLDER": reals.path
            case "IMAGE": Self.image
            default:
                argument.replacingOccurrences(of: "BAD", with: bad.path)
                    .replacingOccurrences(of: "OUT", with: folder.appendingPathComponent("out").path)
            }
        }
        let result = try asUser ? AsUser.run(args) : Toon.run(args)
        #expect(result.stderr == "toon: \(bad.path): \(reason)\n", sourceLocation: sourceLocation)
        #expect(result.status == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(try Self.listing(folder) == before, "files were left behind", sourceLocation: sourceLocation)
    }

    /// Every path under `folder` (read as root, which can list the locked folders too).
    private static func listing(_ folder: URL) throws -> [String] {
        (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).sorted()
    }
}

/// Runs toon as an ordinary user: itself when the tests run as one, else `nobody` via setpriv.
enum AsUser {
    static let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let possible = getuid() != 0 || setpriv != nil
    static let skipReason: Comment = "running as root without setpriv: permission cases cannot be seen as a user sees them"

    static func run(_ arguments: [String]) throws -> CommandResult {
        guard getuid() == 0, let setpriv else { return try Toon.run(arguments) }
        return try Toon.run(["--reuid=nobody", "--regid=nogroup", "--clear-groups", Toon.executable.path] + arguments,
                            executable: URL(fileURLWithPath: setpriv))
    }
}
