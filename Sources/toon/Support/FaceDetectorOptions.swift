import ArgumentParser
import Faces
import Foundation

/// The face detector `toon align`, `toon toonify`, `toon faces` and `toon dataset prepare --crop
/// faces` use: dlib's CNN by default, a cascade on request.
struct FaceDetectorOptions: ParsableArguments {
    @Option(help: ArgumentHelp("cnn (dlib's MMOD CNN face detector, the default: finds turned and tilted faces; cnn=FILE for another mmod_human_face_detector.dat), haar (Debian's Haar frontal-face cascade, fast), lbp (its LBP one, faster) or cascade=FILE (any OpenCV cascade XML, e.g. an anime-face LBP cascade).",
                               valueName: "cnn[=FILE]|haar|lbp|cascade=FILE"))
    var detector: String = "cnn"
    @Option(parsing: .unconditional,
            help: ArgumentHelp("With the CNN: times the photo is doubled before detection, as dlib's upsample_num_times (0 finds faces from about 80 px, 1 from 40 px at four times the work).", valueName: "n"))
    var upsample: Int = 1

    enum Detector: Equatable {
        /// The CNN from the default models folder (nil) or a file.
        case cnn(String?)
        case frontalFace(CascadeClassifier.FrontalFace)
        case file(String)
    }

    func validate() throws {
        _ = try parsedDetector()
        if !(0...3).contains(upsample) { throw ValidationError("--upsample must be 0 to 3, got \(upsample)") }
    }

    func parsedDetector() throws -> Detector {
        switch detector {
        case "cnn": return .cnn(nil)
        case "haar": return .frontalFace(.haar)
        case "lbp": return .frontalFace(.lbp)
        case let text where text.hasPrefix("cnn=") && text.count > "cnn=".count:
            return .cnn(String(text.dropFirst("cnn=".count)))
        case let text where text.hasPrefix("cascade=") && text.count > "cascade=".count:
            return .file(String(text.dropFirst("cascade=".count)))
        default: throw ValidationError("--detector must be cnn, cnn=FILE, haar, lbp or cascade=FILE, not '\(detector)'")
        }
    }

    /// Adds the detector's file, where it exists (or was named), to the plan's inputs.
    func register(in plan: inout RunPlan) throws {
        switch try parsedDetector() {
        case .file(let path), .cnn(.some(let path)): try plan.read(path)
        case .cnn(nil):
            if let path = CNNFaceDetector.defaultModelCandidates(environment: ProcessInfo.processInfo.environment).first(where: { FileManager.default.fileExists(atPath: $0) }) {
                try plan.read(path)
            }
        case .frontalFace(let kind):
            if let path = kind.candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { try plan.read(path) }
        }
    }

    /// The chosen detector. Without the default CNN model it says how to get it on stderr and
    /// falls back to the Haar cascade; a named file that cannot be read is an error.
    func faceDetector() throws -> FaceDetector {
        switch try parsedDetector() {
        case .file(let path): return .cascade(try CascadeClassifier.load(from: URL(fileURLWithPath: path)))
        case .frontalFace(let kind): return .cascade(try CascadeClassifier.defaultFrontalFace(kind))
        case .cnn(.some(let path)): return .cnn(try CNNFaceDetector.load(from: URL(fileURLWithPath: path)), upsample: upsample)
        case .cnn(nil):
            let (detector, fallback) = try FaceDetector.standard(upsample: upsample, environment: ProcessInfo.processInfo.environment)
            if let fallback { FileHandle.standardError.write(Data("toon: \(fallback)\n".utf8)) }
            return detector
        }
    }
}
