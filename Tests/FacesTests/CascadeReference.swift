import Foundation
import Testing
@testable import Faces

/// Reference/cascade_reference.json, made by Reference/make_cascade_reference.py with OpenCV 4.6.0
/// (opencv-python-headless 4.6.0.66) from the cascades of Debian's opencv-data and photos of
/// Debian's opencv-doc; neither package's files are committed here.
struct CascadeReference: Decodable {
    struct Parameters: Decodable, CustomStringConvertible {
        let scaleFactor: Double
        let minNeighbors: Int
        let minSize: [Int]
        let maxSize: [Int]
        var description: String { "scaleFactor \(scaleFactor), minNeighbors \(minNeighbors), minSize \(minSize), maxSize \(maxSize)" }
    }

    struct Photo: Decodable {
        let path: String
        let why: String
        let width: Int, height: Int
        let graySum: Int
        let grayFNV1a: UInt32
        let boxes: [String: [[Int]]]
        var name: String { URL(fileURLWithPath: path).lastPathComponent }
    }

    struct Variant: Decodable {
        let photo: String
        let cascade: String
        let parameters: Parameters
        let boxes: [[Int]]
    }

    struct Grouping: Decodable {
        let rects: [[Int]]
        let groupThreshold: Int
        let eps: Double
        let grouped: [[Int]]
    }

    struct Integral: Decodable {
        let height: Int, width: Int, seed: Int
        let sum: [[Int64]], sqsum: [[Int64]], tilted: [[Int64]]
    }

    struct Resized: Decodable {
        let width: Int, height: Int
        let sum: Int
        let fnv1a: UInt32
        let bytes: [UInt8]?
    }

    struct Resize: Decodable {
        struct Half: Decodable { let height: Int, width: Int, seed: Int, bytes: [UInt8] }
        let height: Int, width: Int, seed: Int
        let results: [Resized]
        let half: Half
    }

    struct Gray: Decodable {
        let rgb: [[Int]]
        let gray: [Int]
    }

    let opencv: String
    let defaults: Parameters
    let cascades: [String: String]
    let photos: [Photo]
    let variants: [Variant]
    let grouping: [Grouping]
    let integral: Integral
    let resize: Resize
    let gray: Gray

    static let shared: CascadeReference = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Reference/cascade_reference.json")
        return try! JSONDecoder().decode(CascadeReference.self, from: Data(contentsOf: url))
    }()

    /// The script's formula image: `(37x + 91y + seed*x*y + x*x/3) mod 256`, row-major.
    static func formulaImage(width: Int, height: Int, seed: Int) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width { pixels[y * width + x] = UInt8((x * 37 + y * 91 + x * y * seed + (x * x) / 3) % 256) }
        }
        return pixels
    }

    static func fnv1a(_ bytes: [UInt8]) -> UInt32 {
        var hash: UInt32 = 0x811C_9DC5
        for byte in bytes { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        return hash
    }

    /// Whether opencv-data's cascades and opencv-doc's photos are installed (scripts/install-deps --tests).
    static let filesInstalled: Bool = {
        let files = Array(shared.cascades.values) + shared.photos.map(\.path)
        return files.allSatisfy { FileManager.default.fileExists(atPath: $0) }
    }()

    static let missingFiles: Comment =
        "Debian's opencv-data and opencv-doc are not installed (scripts/install-deps --tests installs them)"

    static func boxes(_ values: [[Int]]) -> [FaceBox] {
        values.map { FaceBox(x: $0[0], y: $0[1], width: $0[2], height: $0[3]) }
    }

    static func sorted(_ boxes: [FaceBox]) -> [FaceBox] {
        boxes.sorted { ($0.x, $0.y, $0.width, $0.height) < ($1.x, $1.y, $1.width, $1.height) }
    }
}
