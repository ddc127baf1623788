import BuiltInModels
import Foundation
import StyleGAN
import Testing
import ToonIO
import ToonTestSupport

/// The README's "Swift library" example must compile and run: `readmeExample` holds its lines
/// verbatim, and the test checks the README still shows exactly these lines.
@Suite(.computeFromEnvironment) struct ReadmeExampleTests {
    func readmeExample() throws {
        // Any checkpoint: try GeneratorLoader.load(URL(fileURLWithPath: "ffhq.pkl")).generator
        let generator = try BuiltInModel.default.load()
        let options = SamplingOptions(truncation: Truncation(psi: 0.7))
        try generator.generate(seeds: [0, 1, 2], options: options) { seeds, images in
            for (i, seed) in seeds.enumerated() {
                try Image(tensor: images.slice(axis: 0, i..<(i + 1))).write(to: URL(fileURLWithPath: "seed\(seed).png"))
            }
        }
    }

    @Test func theExampleWritesThreeImages() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("toonkit-readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let previous = FileManager.default.currentDirectoryPath
        try #require(FileManager.default.changeCurrentDirectoryPath(folder.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        try readmeExample()
        for seed in 0...2 {
            let image = try Image.decode([UInt8](try Data(contentsOf: folder.appendingPathComponent("seed\(seed).png"))))
            #expect(image.width == 64 && image.height == 64)
        }
    }

    @Test func theReadmeShowsThisCode() throws {
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: here, encoding: .utf8)
        let body = source.components(separatedBy: "func readmeExample() throws {\n")[1].components(separatedBy: "\n    }\n\n")[0]
        let lines = body.split(separator: "\n").map { $0.dropFirst(8) }.joined(separator: "\n")
        #expect(readme.contains(lines), "README's library example differs from ReadmeExampleTests.readmeExample")
    }
}
