import Foundation
import Testing
import ToonTestSupport

/// Every command checks its whole plan before any work: a refused run prints one line, exits 64
/// (usage) or 1 (anything else), and leaves nothing behind, not even an empty output folder.
@Suite("toon refuses a bad plan before any work", .enabled(if: SharedFixtures.available && Toon.available, SharedFixtures.skipReason))
struct PlanCommandTests {
    let nvlabs = Toon.fixture("nvlabs/nv_ada_64.pkl")

    /// Runs `arguments` (with OUT standing for a fresh folder's `out` inside it) and returns the
    /// result and that folder, which the test expects to still hold nothing.
    private func refused(_ arguments: [String], status: Int32, message: String,
                         sourceLocation: SourceLocation = #_sourceLocation) throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let args = arguments.map { $0 == "NVLABS" ? nvlabs : $0.replacingOccurrences(of: "OUT", with: folder.appendingPathComponent("out").path) }
        let result = try Toon.run(args)
        #expect(result.status == status, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(message), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "something was created", sourceLocation: sourceLocation)
    }

    @Test("sizes beyond the image limits or the memory budget are refused up front, with the limit in the message",
          arguments: [
            (["generate", "--network", "NVLABS", "--seeds", "0-3", "--grid", "1000x1000", "--outdir", "OUT"], "limited to 65535"),
            (["generate", "--network", "NVLABS", "--seeds", "0-1029", "--grid", "1x1030", "--outdir", "OUT"], "65920x64"),
            (["generate", "--network", "NVLABS", "--seeds", "0-99999", "--batch", "100000", "--outdir", "OUT"], "the limit is"),
            (["mix", "--network", "NVLABS", "--rows", "0-1999", "--cols", "0-1999", "--outdir", "OUT"], "limited to 65535"),
            (["interpolate", "--network", "NVLABS", "--seeds", "0-499999", "--grid", "1000x500", "--frames", "3", "--out", "OUT.gif"], "the limit is"),
            (["interpolate", "--network", "NVLABS", "--seeds", "0-179999", "--grid", "300x300", "--frames", "3", "--out", "OUT.mp4"], "16384"),
            (["interpolate", "--network", "NVLABS", "--seeds", "0-1999", "--grid", "1x2000", "--frames", "3", "--out", "OUT.gif"], "limited to 65535"),
          ])
    func sizes(arguments: [String], message: String) throws {
        try refused(arguments, status: 64, message: message)
    }

    @Test("the batch refusal says which batch fits")
    func batchHint() throws {
        let result = try Toon.run(["generate", "--network", nvlabs, "--seeds", "0-99999", "--batch", "100000", "--outdir", "/nonexistent-never-made"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("at most --batch"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent-never-made"))
    }

    @Test("usage problems found against the network exit 64 in every command",
          arguments: [
            (["generate", "--network", "NVLABS", "--seeds", "0-4", "--grid", "2x2", "--outdir", "OUT"], "do not fit a 2x2 grid"),
            (["interpolate", "--network", "NVLABS", "--seeds", "0-4", "--grid", "1x2", "--frames", "3", "--out", "OUT.gif"], "do not split evenly"),
            (["generate", "--network", "NVLABS", "--seeds", "1", "--trunc-cutoff", "100", "--outdir", "OUT"], "beyond this network's 10 ws"),
            (["mix", "--network", "NVLABS", "--rows", "1", "--cols", "2", "--styles", "0-12", "--outdir", "OUT"], "layer 10 does not exist"),
            (["generate", "--network", "NVLABS", "--seeds", "1", "--outdir", ""], "--outdir is empty"),
          ])
    func usage(arguments: [String], message: String) throws {
        try refused(arguments, status: 64, message: message)
    }

    @Test("option values that look like options are read as values and refused with a reason",
          arguments: [
            (["--seeds", "-3"], "-3 is negative"),
            (["--seeds", "0-"], "range 0- has no end"),
            (["--seeds", "1", "--grid", "-1x2"], "'-1x2' is not ROWSxCOLUMNS"),
            (["--seeds", "1", "--trunc", "inf"], "--trunc must be a finite number"),
            (["--seeds", "1", "--batch", "-2"], "--batch must be at least 1"),
          ])
    func optionValues(arguments: [String], message: String) throws {
        try refused(["generate", "--network", "NVLABS"] + arguments + ["--outdir", "OUT"], status: 64, message: message)
        #expect(!message.contains("  "))
    }

    @Test("--styles errors speak of layers, not seeds")
    func stylesWording() throws {
        let result = try Toon.run(["mix", "--network", nvlabs, "--rows", "1", "--cols", "2", "--styles", "0-x", "--outdir", "/nonexistent-never-made"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--styles") && !result.stderr.contains("seed list"), "\(result.stderr)")
    }

    @Test("a negative --trunc is a value (negative psi is meaningful), not a missing one")
    func negativeTruncation() throws {
        let out = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try Toon.run(["generate", "--network", nvlabs, "--seeds", "1", "--trunc", "-1", "--outdir", out.path])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("seeds beyond Int32 are named with all their digits, as NVLabs names them")
    func largeSeedNames() throws {
        let out = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try Toon.run(["generate", "--network", nvlabs, "--seeds", "4294967295,3000000000,7", "--outdir", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Set(FileManager.default.contentsOfDirectory(atPath: out.path)) == ["seed4294967295.png", "seed3000000000.png", "seed0007.png"])
    }
}

/// Inputs must be regular files and outputs must not be inputs; the checks use `stat`, so a FIFO
/// without a writer cannot hang them.
@Suite("toon checks input and output paths", .enabled(if: SharedFixtures.available && Toon.available, SharedFixtures.skipReason))
struct PathCommandTests {
    let nvlabs = Toon.fixture("nvlabs/nv_ada_64.pkl")

    @Test("a FIFO, a device, a directory or a symlink loop as the network is refused with that reason",
          arguments: [("fifo", "a FIFO"), ("/dev/zero", "a character device"), ("dir", "a directory"), ("loop", "symlink loop"),
                      ("missing.pkl", "no such file")])
    func specialInputs(name: String, reason: String) throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(mkfifo(folder.appendingPathComponent("fifo").path, 0o600) == 0)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("dir"), withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("loop").path, withDestinationPath: "loop2")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("loop2").path, withDestinationPath: "loop")
        let path = name.hasPrefix("/") ? name : folder.appendingPathComponent(name).path
        for command in [["info", path], ["generate", "--network", path, "--seeds", "1", "--outdir", folder.appendingPathComponent("out").path],
                        ["convert", path, folder.appendingPathComponent("x.safetensors").path]] {
            // A FIFO without a writer would block an open for reading forever: this run returning at all is the test.
            let result = try Toon.run(command)
            #expect(result.status == 1, "\(command): \(result.stderr)")
            #expect(result.stderr.hasPrefix("toon: \(path): ") && result.stderr.contains(reason), "\(result.stderr)")
            #expect(!result.stderr.contains("NSCocoaErrorDomain"))
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }

    @Test("an output that is the input, by name, by hard link or by symlink, is refused and the input kept",
          arguments: ["same", "hardlink", "symlink", "dotted"])
    func outputIsInput(kind: String) throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let network = folder.appendingPathComponent("m.gif")
        try FileManager.default.copyItem(atPath: nvlabs, toPath: network.path)
        let before = try Data(contentsOf: network)
        let out: String
        switch kind {
        case "hardlink":
            out = folder.appendingPathComponent("h.gif").path
            try FileManager.default.linkItem(atPath: network.path, toPath: out)
        case "symlink":
            out = folder.appendingPathComponent("s.gif").path
            try FileManager.default.createSymbolicLink(atPath: out, withDestinationPath: "m.gif")
        case "dotted": out = folder.appendingPathComponent("./sub/../m.gif").path
        default: out = network.path
        }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        let result = try Toon.run(["interpolate", "--network", network.path, "--seeds", "0-3", "--frames", "2", "--out", out])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("is the input"), "\(result.stderr)")
        #expect(try Data(contentsOf: network) == before)
        // generate: a seed's image name that is the network, in the output folder.
        let seedNamed = folder.appendingPathComponent("seed0001.png")
        try FileManager.default.linkItem(atPath: network.path, toPath: seedNamed.path)
        let generate = try Toon.run(["generate", "--network", seedNamed.path, "--seeds", "1", "--outdir", folder.path])
        #expect(generate.status == 64 && generate.stderr.contains("is the input"), "\(generate.stderr)")
        #expect(try Data(contentsOf: network) == before)
    }

    @Test("convert refuses an output that is a hard link to its input, and keeps the input")
    func convertHardLink() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("m.safetensors")
        let converted = try Toon.run(["convert", Toon.fixture("rosinality/rosinality_16.pt"), input.path])
        #expect(converted.status == 0, "\(converted.stderr)")
        let before = try Data(contentsOf: input)
        let link = folder.appendingPathComponent("same.safetensors")
        try FileManager.default.linkItem(atPath: input.path, toPath: link.path)
        let result = try Toon.run(["convert", input.path, link.path])
        #expect(result.status == 64 && result.stderr.contains("is the input"), "\(result.stderr)")
        #expect(try Data(contentsOf: input) == before)
    }

    @Test("an output folder under a file, or an output file in one, is refused in plain words",
          arguments: [["generate", "--network", "NVLABS", "--seeds", "1", "--outdir", "AFILE/sub"],
                      ["interpolate", "--network", "NVLABS", "--seeds", "0-3", "--frames", "2", "--out", "AFILE/walk.gif"],
                      ["mix", "--network", "NVLABS", "--rows", "1", "--cols", "2", "--outdir", "AFILE"]])
    func outputUnderAFile(arguments: [String]) throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("afile")
        try Data("x".utf8).write(to: file)
        let args = arguments.map { $0 == "NVLABS" ? nvlabs : $0.replacingOccurrences(of: "AFILE", with: file.path) }
        let result = try Toon.run(args)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("not a directory") && !result.stderr.contains("NSCocoaErrorDomain"), "\(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["afile"])
    }
}
