import Foundation
import Testing
import StyleGAN
import ToonCore
import ToonIO
import ToonNN
import ToonTestSupport

@Suite("toon blend", .enabled(if: SharedFixtures.available && Toon.available, SharedFixtures.skipReason))
struct BlendCommandTests {
    let rosinality = Toon.fixture("rosinality/rosinality_16.pt")

    /// A fine-tune of the rosinality fixture (new synthesis weights; its mapping, w_avg and noise maps),
    /// written in ToonKit's format, then as rosinality's .pt by `toon convert`; the base converted to
    /// ToonKit's format the same way.
    static func files(in folder: URL, fixture: String) throws -> (base: String, styled: String) {
        let base = try GeneratorLoader.load(URL(fileURLWithPath: fixture)).generator
        var store = base.parameters
        for (index, (name, tensor)) in base.parameters.pairs.enumerated()
        where name.hasPrefix("synthesis.") && !name.hasSuffix(".noise_const") {
            store.update(name, to: tensor + Tensor.randomNormal(shape: tensor.shape, seed: UInt32(index)) * 0.2 + 0.05)
        }
        let tuned = folder.appendingPathComponent("tuned.safetensors")
        try ToonKitFormat.write(try Generator(config: base.config, parameters: store), source: "test fine-tune", to: tuned)
        let styled = folder.appendingPathComponent("styled.pt").path, converted = folder.appendingPathComponent("base.safetensors").path
        for (input, output) in [(tuned.path, styled), (fixture, converted)] {
            let result = try Toon.run(["convert", input, output])
            #expect(result.status == 0, "\(result.stderr)")
        }
        return (converted, styled)
    }

    func generate(_ network: String, in folder: URL, name: String) throws -> [Data] {
        let out = folder.appendingPathComponent(name)
        let result = try Toon.run(["generate", "--network", network, "--seeds", "0-1", "--format", "npy", "--outdir", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        return try (0..<2).map { try Data(contentsOf: out.appendingPathComponent(String(format: "seed%04d.npy", $0))) }
    }

    @Test("blend writes a ToonKit file that toon generate reads; swap 4 gives the styled images, a swap above 16 the base's")
    func blendThenGenerate() throws {
        let folder = Toon.temporaryFolder()
        let (base, styled) = try Self.files(in: folder, fixture: rosinality)
        let blended = folder.appendingPathComponent("blended.safetensors").path
        let result = try Toon.run(["blend", "--base", base, "--styled", styled, "--swap-res", "8", "--level", "1",
                                   "--blend-width", "1", "--degree", "0.5", "--out", blended])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty)
        let images = try generate(blended, in: folder, name: "blended")
        let info = try Toon.run(["info", blended])
        #expect(info.stdout.contains("blend of base \(base)") && info.stdout.contains("and styled \(styled)"), "\(info.stdout)")
        #expect(info.stdout.contains("swap resolution 8, level 1, blend width 1.0, degree 0.5"), "\(info.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).allSatisfy { !$0.contains(".partial") })

        let styledImages = try generate(styled, in: folder, name: "styled")
        let baseImages = try generate(rosinality, in: folder, name: "base")
        #expect(images != styledImages && images != baseImages && styledImages != baseImages)
        for (swap, expected) in [("4", styledImages), ("32", baseImages)] {
            let out = folder.appendingPathComponent("swap\(swap).safetensors").path
            let run = try Toon.run(["blend", "--base", base, "--styled", styled, "--swap-res", swap, "--out", out])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(try generate(out, in: folder, name: "swap\(swap)") == expected, "--swap-res \(swap)")
        }
    }

    @Test("refusals: one line, exit 64, nothing written", arguments: [
        (["--styled", "NVLABS", "--swap-res", "8"], "mapping.fc0.weight is [512, 512] in the base and [128, 128] in the styled model"),
        (["--styled", "ROSINALITY", "--swap-res", "12"], "--swap-res 12 is not a power of two"),
        (["--styled", "ROSINALITY", "--swap-res", "8", "--level", "2"], "--level 2 is neither 0 nor 1"),
        (["--styled", "ROSINALITY", "--swap-res", "8", "--degree", "-0.5"], "--degree -0.5 is not in 0...1"),
        (["--styled", "ROSINALITY", "--swap-res", "8", "--blend-width", "0"], "--blend-width 0.0 is not a positive number"),
        (["--styled", "ROSINALITY", "--swap-res", "8", "--out", "OUT.pt"], "--out must end in .safetensors"),
        (["--styled", "ROSINALITY", "--swap-res", "8", "--out", "LINK"], "is the input"),
    ])
    func refusals(arguments: [String], message: String) throws {
        let folder = Toon.temporaryFolder()
        let link = folder.appendingPathComponent("link.safetensors")
        let copy = folder.appendingPathComponent("copy.pt")
        try FileManager.default.createSymbolicLink(atPath: copy.path, withDestinationPath: rosinality)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: copy.path)
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        var args = ["blend", "--base", copy.path, "--out", folder.appendingPathComponent("out.safetensors").path] + arguments.map {
            switch $0 {
            case "NVLABS": Toon.fixture("nvlabs/nv_ada_64.pkl")
            case "ROSINALITY": rosinality
            case "OUT.pt": folder.appendingPathComponent("out.pt").path
            case "LINK": link.path
            default: $0
            }
        }
        if arguments.contains("--out") { args.removeSubrange(3...4) }
        let result = try Toon.run(args)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.hasPrefix("toon: ") || result.stderr.hasPrefix("Error: "), "\(result.stderr)")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)) == before)
    }
}

/// The house rules' other cases for `toon blend`: special inputs, a full disk, signals.
@Suite("toon blend: special inputs, full disk, signals", .enabled(if: SharedFixtures.available && Toon.available, SharedFixtures.skipReason))
struct BlendCommandRulesTests {
    let rosinality = Toon.fixture("rosinality/rosinality_16.pt")

    @Test("a FIFO or a folder as --base or --styled is refused with that reason, without opening it",
          arguments: [("fifo", "a FIFO"), ("dir", "a directory")], ["--base", "--styled"])
    func specialInputs(input: (name: String, reason: String), option: String) throws {
        let (name, reason) = input
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(mkfifo(folder.appendingPathComponent("fifo").path, 0o600) == 0)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("dir"), withIntermediateDirectories: false)
        let path = folder.appendingPathComponent(name).path
        let out = folder.appendingPathComponent("out.safetensors").path
        let args = option == "--base" ? ["--base", path, "--styled", rosinality] : ["--base", rosinality, "--styled", path]
        let result = try Toon.run(["blend"] + args + ["--swap-res", "8", "--out", out])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("toon: \(path): ") && result.stderr.contains(reason), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("a full disk: exit 1, one line, no output and no temporary file",
          .enabled(if: SmallDisk.canMount, "cannot mount a tmpfs here; skipped"))
    func fullDisk() throws {
        let disk = try SmallDisk.mount()
        defer { SmallDisk.unmount(disk) }
        let result = try Toon.run(["blend", "--base", rosinality, "--styled", rosinality, "--swap-res", "8",
                                   "--out", disk.appendingPathComponent("b.safetensors").path])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("toon: ") && result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
        #expect(result.stderr.lowercased().contains("space"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk.path) == ["filler"])
    }

    @Test("SIGINT or SIGTERM at a random moment: exit 128 + signal and no temporary file, or a complete output",
          arguments: [SIGINT, SIGTERM, SIGINT, SIGTERM])
    func interrupted(signal: Int32) throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("b.safetensors")
        let process = Process()
        process.executableURL = Toon.executable
        process.arguments = ["blend", "--base", rosinality, "--styled", rosinality, "--swap-res", "8", "--blend-width", "1",
                             "--out", out.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // A blend of this pair takes about half a second: most signals land inside the run.
        usleep(UInt32.random(in: 20_000...500_000))
        kill(process.processIdentifier, signal)
        var grace = 0
        while process.isRunning && grace < 3000 { usleep(10_000); grace += 1 }
        if process.isRunning {
            Issue.record("toon still runs after the signal")
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        let status = process.terminationStatus
        #expect(process.terminationReason == .exit && (status == 128 + signal || status == 0), "status \(status)")
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!left.contains { $0.contains(".partial") }, "\(left)")
        if status == 0 || FileManager.default.fileExists(atPath: out.path) {
            #expect(throws: Never.self, "the output is incomplete") { _ = try GeneratorLoader.load(out) }
        }
    }
}
