import Foundation
import Testing

@Suite("toon export --format coreml", .enabled(if: Toon.available, "the toon executable is not built"))
struct ExportCommandTests {
    @Test("without --model the built-in student becomes a package of the asked size (or sizes); a second export replaces it")
    func builtInPackage() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("student.mlpackage")
        for size in ["64x64", "128x96"] {
            let result = try Toon.run(["export", "--format", "coreml", "--size", size, "--out", out.path])
            let (width, height) = (size.split(separator: "x")[0], size.split(separator: "x")[1])
            #expect(result.status == 0 && result.stdout.contains("[1, 3, \(height), \(width)] and degree [1]"), "\(result.stderr)")
        }
        let several = try Toon.run(["export", "--format", "coreml", "--size", "64x64", "--size", "128x96", "--out", out.path])
        #expect(several.status == 0 && several.stdout.contains("[1, 3, 64, 64] or [1, 3, 96, 128]"), "\(several.stderr)")
        for file in ["Manifest.json", "Data/com.apple.CoreML/model.mlmodel", "Data/com.apple.CoreML/weights/weight.bin"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["student.mlpackage"])
    }

    @Test("a size the student cannot take, a wrong suffix and a plain file in the way: one line, non-zero, nothing written")
    func refusals() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let size = try Toon.run(["export", "--format", "coreml", "--size", "100x64", "--out", folder.appendingPathComponent("a.mlpackage").path])
        #expect(size.status == 64 && size.stderr.contains("multiple of 8"), "\(size.stderr)")
        let suffix = try Toon.run(["export", "--format", "coreml", "--out", folder.appendingPathComponent("a.onnx").path])
        #expect(suffix.status == 64 && suffix.stderr.contains("must end in .mlpackage"), "\(suffix.stderr)")
        let file = folder.appendingPathComponent("b.mlpackage")
        try Data("mine".utf8).write(to: file)
        let blocked = try Toon.run(["export", "--format", "coreml", "--size", "64x64", "--out", file.path])
        #expect(blocked.status != 0 && blocked.stderr.contains("not an .mlpackage folder"), "\(blocked.stderr)")
        #expect(blocked.stderr.split(separator: "\n").count == 1, "\(blocked.stderr)")
        #expect(try Data(contentsOf: file) == Data("mine".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["b.mlpackage"])
    }
}
