import Foundation
import Testing
import ToonTestSupport

/// The smaller rough edges of issue 21, one test each.
@Suite("toon's smaller refusals and help", .enabled(if: SharedFixtures.available && Toon.available, SharedFixtures.skipReason))
struct SmallItemsCommandTests {
    let nvlabs = Toon.fixture("nvlabs/nv_ada_64.pkl")

    /// A version 1.0 .npy of `descr` with `shape`, holding `data`.
    private func npy(descr: String, shape: [Int], data: [UInt8]) -> Data {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let length = UInt16(header.utf8.count)
        return Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 255), UInt8(length >> 8)] + Array(header.utf8) + data)
    }

    private func float32(_ values: [Float]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }

    @Test("--projected-w that is all NaN, empty, holds infinity or integers is refused naming the file",
          arguments: ["nan", "empty", "inf", "int"])
    func projectedW(kind: String) throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("w.npy")
        let count = 10 * 128
        let data: Data = switch kind {
        case "nan": npy(descr: "<f4", shape: [10, 128], data: float32(Array(repeating: .nan, count: count)))
        case "empty": npy(descr: "<f4", shape: [0, 10, 128], data: [])
        case "inf": npy(descr: "<f4", shape: [10, 128], data: float32(Array(repeating: 0.5, count: count - 1) + [.infinity]))
        default: npy(descr: "<i4", shape: [10, 128], data: [UInt8](repeating: 0, count: count * 4))
        }
        try data.write(to: file)
        let out = folder.appendingPathComponent("out")
        let result = try Toon.run(["generate", "--network", nvlabs, "--projected-w", file.path, "--outdir", out.path])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("toon: \(file.path): "), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("--class on an unconditional network names the network")
    func classNamesFile() throws {
        let result = try Toon.run(["mix", "--network", nvlabs, "--rows", "1", "--cols", "2", "--class", "3", "--outdir", "/nonexistent-never-made"])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("toon: \(nvlabs): ") && result.stderr.contains("unconditional"), "\(result.stderr)")
    }

    @Test("toon help with an unknown command exits 64; a known one still gets its help")
    func helpTopic() throws {
        let bogus = try Toon.run(["help", "bogus"])
        #expect(bogus.status == 64 && bogus.stderr.contains("no command 'bogus'"), "\(bogus.stderr)")
        let known = try Toon.run(["help", "mix"])
        #expect(known.status == 0 && known.stdout.contains("Style mixing"))
        // Commands whose name is set by commandName, not their type's name.
        for name in ["blend", "metrics", "toonify", "faces"] {
            let help = try Toon.run(["help", name])
            #expect(help.status == 0 && help.stdout.contains("USAGE: toon \(name)"), "help \(name): \(help.stderr)")
        }
    }

    @Test("help examples fit 80 columns, so no command is wrapped in the middle", arguments: ["generate", "mix", "interpolate", "edit", "convert", "blend", "train", "metrics",
                                                                                               "project", "directions", "toonify", "faces"])
    func helpExamples(command: String) throws {
        let help = try Toon.run([command, "--help"])
        let lines = help.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.contains("Examples:") || $0.contains("Example:") }) else {
            Issue.record("no examples in \(command)'s help"); return
        }
        // Each example starts with "toon" or continues one ended by a backslash.
        var continued = false
        for line in lines[(start + 1)...] {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasSuffix(":") { break }
            #expect(continued || text.hasPrefix("toon "), "wrapped example line: \(text)")
            #expect(line.count <= 80, "\(line)")
            continued = text.hasSuffix("\\")
        }
    }

    @Test("bash completion offers file names for --network and folders for --outdir")
    func completion() throws {
        let script = try Toon.run(["--generate-completion-script", "bash"]).stdout
        // The case for each option ends at its ";;"; what it completes with lies in between.
        func completion(of option: String, in command: String) -> String? {
            guard let start = script.range(of: "_toon_\(command)()"),
                  let entry = script.range(of: "'\(option)')", range: start.upperBound..<script.endIndex),
                  let end = script.range(of: ";;", range: entry.upperBound..<script.endIndex) else { return nil }
            return String(script[entry.upperBound..<end.lowerBound])
        }
        for command in ["generate", "mix", "interpolate"] {
            #expect(completion(of: "--network", in: command)?.contains("*.@(pkl|pt|safetensors)") == true, "\(command) --network")
        }
        for command in ["generate", "mix"] {
            #expect(completion(of: "--outdir", in: command)?.contains("-d") == true, "\(command) --outdir")
        }
    }
}
