import Foundation
import Testing
import ToonIO
@testable import Upscale

/// Tests/Fixtures/waifu2x: small crops of scikit-image's pictures and what PyPI's waifu2x 2024.0.1
/// (its Chainer code) made of them, listed in cases.json, made by make_waifu2x_reference.py there.
struct Waifu2xReference: Decodable {
    struct Case: Decodable {
        let `case`: String
        let input: String
        let arch: String
        let method: String
        /// -1: no noise reduction.
        let noise: Int
        let scale: Int
        let output: String
        /// PIL's mode of the saved picture: L, LA, RGB or RGBA.
        let outputMode: String
        let outputSize: [Int]

        var architecture: Waifu2xArchitecture { Waifu2xArchitecture(rawValue: arch)! }
        var noiseLevel: Int? { noise < 0 ? nil : noise }
    }

    let waifu2x: String
    let blockSize: Int
    let cases: [Case]

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/waifu2x")

    static let shared: Waifu2xReference = {
        try! JSONDecoder().decode(Waifu2xReference.self, from: Data(contentsOf: folder.appendingPathComponent("cases.json")))
    }()

    /// The models folder scripts/fetch-models filled, if it has every waifu2x model.
    static let modelsFolder: String? = ModelsFolder.folders(environment: ProcessInfo.processInfo.environment).first { folder in
        Waifu2xArchitecture.allCases.allSatisfy { arch in
            arch.tasks.allSatisfy { FileManager.default.fileExists(atPath: folder + "/" + arch.relativePath($0)) }
        }
    }

    static let missingModels: Comment = "waifu2x's models are not in ToonKit's models folder (scripts/fetch-models puts them there)"

    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }
}
