import Foundation
import Testing
import ToonCore
import ToonIO
import ToonTestSupport

@Suite("toon edit", .enabled(if: SharedFixtures.available && Toon.available, SharedFixtures.skipReason))
struct EditCommandTests {
    let nvlabs = Toon.fixture("nvlabs/nv_ada_64.pkl")

    static func files(_ folder: URL) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
    }

    @Test("one image per seed and strength, a strip per seed, and the directions file, under the documented names")
    func writesImagesStripsAndDirections() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out"), directions = folder.appendingPathComponent("dirs.npy")
        let result = try Toon.run(["edit", "--network", nvlabs, "--seeds", "3,7", "--direction", "sefa:2", "--layers", "0-3",
                                   "--strength", "-2,0,2.5", "--grid", "--outdir", out.path,
                                   "--save-directions", directions.path, "--save-count", "5"])
        #expect(result.status == 0, "\(result.stderr)")
        let expected: Set<String> = ["seed0003_sefa2_-2.png", "seed0003_sefa2_+0.png", "seed0003_sefa2_+2.5.png", "seed0003_sefa2_strip.png",
                                     "seed0007_sefa2_-2.png", "seed0007_sefa2_+0.png", "seed0007_sefa2_+2.5.png", "seed0007_sefa2_strip.png"]
        #expect(try Self.files(out) == expected)
        let strip = try Image.read(from: out.appendingPathComponent("seed0003_sefa2_strip.png"))
        #expect(strip.width == 3 * 64 && strip.height == 64)
        // The strip holds the images themselves, strengths from left to right in the order given.
        for (column, label) in ["-2", "+0", "+2.5"].enumerated() {
            let cell = try Image.read(from: out.appendingPathComponent("seed0003_sefa2_\(label).png"))
            var same = true
            for c in 0..<3 {
                for y in 0..<64 {
                    let stripRow = strip.samples[(c * 64 + y) * strip.width + column * 64 ..< (c * 64 + y) * strip.width + column * 64 + 64]
                    let cellRow = cell.samples[(c * 64 + y) * 64 ..< (c * 64 + y) * 64 + 64]
                    if !stripRow.elementsEqual(cellRow) { same = false }
                }
            }
            #expect(same, "strip column \(column) is the \(label) image")
        }

        // Strength 0 is the unedited face: the very file generate writes for the seed.
        let generated = folder.appendingPathComponent("generated")
        #expect(try Toon.run(["generate", "--network", nvlabs, "--seeds", "3", "--outdir", generated.path]).status == 0)
        let plain = try Data(contentsOf: generated.appendingPathComponent("seed0003.png"))
        #expect(try Data(contentsOf: out.appendingPathComponent("seed0003_sefa2_+0.png")) == plain)
        #expect(try Data(contentsOf: out.appendingPathComponent("seed0003_sefa2_+2.5.png")) != plain)
        #expect(try Data(contentsOf: out.appendingPathComponent("seed0003_sefa2_-2.png")) != plain)

        // [count, wDim] orthonormal rows.
        let saved = try NPY.read(directions)
        #expect(saved.shape == [5, 128])
        let rows = (0..<5).map { saved.slice(axis: 0, $0..<($0 + 1)).scalars }
        for i in 0..<5 {
            for j in 0..<5 {
                let dot = zip(rows[i], rows[j]).reduce(Float(0)) { $0 + $1.0 * $1.1 }
                #expect(abs(dot - (i == j ? 1 : 0)) < 1e-4, "rows \(i) and \(j)")
            }
        }

        // Row 2 of the saved file is sefa:2: the same images.
        let fromFile = folder.appendingPathComponent("from-file")
        let again = try Toon.run(["edit", "--network", nvlabs, "--seeds", "3", "--direction", "\(directions.path):2", "--layers", "0-3",
                                  "--strength", "-2,2.5", "--outdir", fromFile.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Self.files(fromFile) == ["seed0003_dirs2_-2.png", "seed0003_dirs2_+2.5.png"])
        for s in ["-2", "+2.5"] {
            #expect(try Data(contentsOf: fromFile.appendingPathComponent("seed0003_dirs2_\(s).png"))
                    == Data(contentsOf: out.appendingPathComponent("seed0003_sefa2_\(s).png")), "strength \(s)")
        }
    }

    @Test("w+ rows from --latent are named latent00, latent01, ...")
    func latents() throws {
        let out = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try Toon.run(["edit", "--network", nvlabs, "--latent", Toon.fixture("nvlabs/nv_ada_64_psi1.0_ws.npy"),
                                   "--direction", "sefa:0", "--strength", "1", "--outdir", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.files(out).contains("latent00_sefa0_+1.png"))
        #expect(try Self.files(out).count == 4)
    }

    @Test("usage errors exit 64 with the reason and create nothing",
          arguments: [
            (["--seeds", "1", "--direction", "sefa:128"], "this network has 128 directions"),
            (["--seeds", "1", "--direction", "sefa:0", "--layers", "5-12"], "layer 12 does not exist"),
            (["--seeds", "1", "--direction", "sefa:0", "--layers", "3-1"], "runs backwards"),
            (["--seeds", "1", "--direction", "sefa:0", "--layers", "coarse"], "invalid layers"),
            (["--seeds", "1", "--direction", "sefa"], "invalid direction"),
            (["--seeds", "1", "--direction", "sefa:-1"], "not a direction number"),
            (["--seeds", "1", "--direction", "sefa:0", "--strength", "-1,1,-1.0"], "listed twice"),
            (["--seeds", "1", "--direction", "sefa:0", "--strength", "1,nan"], "not a finite number"),
            (["--direction", "sefa:0"], "either --seeds or --latent"),
            (["--seeds", "1", "--direction", "sefa:0", "--save-directions", "OUT.npy", "--save-count", "129"], "--save-count 129"),
          ])
    func usageErrors(arguments: [String], message: String) throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let args = arguments.map { $0.replacingOccurrences(of: "OUT", with: folder.appendingPathComponent("out").path) }
        let result = try Toon.run(["edit", "--network", nvlabs] + args + ["--outdir", folder.appendingPathComponent("out").path])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(try Self.files(folder).isEmpty, "something was created")
    }

    @Test("a strip wider than an image can be is refused before any work")
    func stripTooWide() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let strengths = (0..<1100).map { String($0) }.joined(separator: ",")
        let result = try Toon.run(["edit", "--network", nvlabs, "--seeds", "1", "--direction", "sefa:0", "--strength", strengths,
                                   "--grid", "--outdir", folder.appendingPathComponent("out").path])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("limited to 65535"), "\(result.stderr)")
        #expect(try Self.files(folder).isEmpty)
    }

    @Test("a missing directions file fails with exit 1, naming it")
    func missingDirectionsFile() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Toon.run(["edit", "--network", nvlabs, "--seeds", "1", "--direction", "/nonexistent-dirs.npy:0",
                                   "--outdir", folder.appendingPathComponent("out").path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("toon: /nonexistent-dirs.npy"), "\(result.stderr)")
        #expect(try Self.files(folder).isEmpty)
    }

    @Test("a directions file of the wrong shape or kind fails with exit 1, naming the file",
          arguments: [("wrong-width", "directions for this network are [count, 128]"), ("integers", "directions are a float array")])
    func badDirectionsFile(kind: String, message: String) throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("\(kind).npy")
        if kind == "integers" {
            // numpy.save of an int32 [2, 128] array: the header padded to 128 bytes, then the data.
            var header = "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 128), }"
            header += String(repeating: " ", count: 128 - 10 - header.count - 1) + "\n"
            var bytes = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0]) + Data(header.utf8)
            bytes += Data(count: 2 * 128 * 4)
            try bytes.write(to: file)
        } else {
            try NPY.write(Tensor.zeros([3, 64]), to: file)
        }
        let out = folder.appendingPathComponent("out")
        let result = try Toon.run(["edit", "--network", nvlabs, "--seeds", "1", "--direction", "\(file.path):0", "--outdir", out.path])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("toon: \(file.path): ") && result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("without --network, edit uses the built-in model")
    func builtInModel() throws {
        let out = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try Toon.run(["edit", "--seeds", "5", "--direction", "sefa:1", "--strength", "-3,3", "--grid", "--outdir", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.files(out) == ["seed0005_sefa1_-3.png", "seed0005_sefa1_+3.png", "seed0005_sefa1_strip.png"])
    }
}
