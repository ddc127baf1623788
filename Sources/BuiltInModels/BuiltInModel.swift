import Foundation
import StyleGAN

/// Generators that ship with ToonKit, trained by ToonKit itself (docs/built-in-models.md says how),
/// so generation works on a machine with no checkpoint at all.
public enum BuiltInModel: String, CaseIterable, Sendable {
    /// 64x64 anime faces from `toon dataset synth --style anime`.
    case anime64
    /// 64x64 shaded (photo-like) synthetic faces: the built-in toonify pair's base.
    case shaded64
    /// `shaded64` fine-tuned on anime faces: the built-in toonify pair's styled model.
    case shaded64Anime = "shaded64-anime"

    /// The model used when a command names no network.
    public static let `default` = BuiltInModel.anime64

    /// The pair `toon toonify` uses when it is given none: a base and its cartoon fine-tune.
    public static let toonifyPair = (base: BuiltInModel.shaded64, styled: BuiltInModel.shaded64Anime)

    var fileName: String { "\(rawValue).safetensors" }

    /// Where the weights are: beside the executable in SwiftPM's resource folder (a built or installed
    /// `toon`), or in this source tree (a binary built from a clone). nil when neither has them.
    public var url: URL? { Self.locate(fileName) }

    /// The first readable place of `fileName` among `candidates(fileName)`.
    static func locate(_ fileName: String) -> URL? {
        candidates(fileName).first { FileManager.default.isReadableFile(atPath: $0.path) }
    }

    /// The places searched, in order (not SwiftPM's `Bundle.module`, which stops the process when its
    /// folder is missing).
    static func candidates(_ fileName: String) -> [URL] {
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var found = [executable.deletingLastPathComponent()]
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            found.insert(URL(fileURLWithPath: path).deletingLastPathComponent(), at: 0)
        }
        #endif
        let bundles = found.flatMap { dir in
            ["ToonKit_BuiltInModels.resources", "ToonKit_BuiltInModels.bundle/Contents/Resources",
             "ToonKit_BuiltInModels.bundle"].map { dir.appendingPathComponent($0).appendingPathComponent("Weights/" + fileName) }
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Weights").appendingPathComponent(fileName)
        return bundles + [source]
    }

    /// The generator.
    public func load() throws -> Generator {
        guard let url else {
            throw StyleGANError(file: nil, .checkpoint("the built-in model \(rawValue) is not installed beside this toon; name a checkpoint with --network"))
        }
        return try GeneratorLoader.load(url).generator
    }
}
