import Faces
import Foundation
import ToonIO

// The faces suite of toon-bench: dlib's CNN face detector (CNNFaceDetector) on one photo, as
// Benchmarks/peers/dlib_cnn_faces.py times dlib's own on the same photo.

/// `detect(in:upsample:)` on the photo, per upsample count: warm-up, then the median of runs. The
/// model comes from ToonKit's models folder (scripts/fetch-models).
func faceDetection(_ options: Options) -> [Row] {
    guard let path = options.photo else {
        FileHandle.standardError.write(Data("toon-bench: faces needs --photo P\n".utf8))
        exit(64)
    }
    let photo = try! Image.readUpright(from: URL(fileURLWithPath: path))
    let detector: CNNFaceDetector
    do { detector = try CNNFaceDetector.defaultModel(environment: ProcessInfo.processInfo.environment) } catch {
        FileHandle.standardError.write(Data("toon-bench: \(error)\n".utf8))
        exit(1)
    }
    return options.upsample.map { upsample in
        var count = 0
        let row = measure("cnn faces \(photo.width)x\(photo.height) up\(upsample)", flops: 0, runs: options.runs) {
            count = detector.detect(in: photo, upsample: upsample).count
        }
        FileHandle.standardError.write(Data("upsample \(upsample): \(count) faces\n".utf8))
        return row
    }
}
