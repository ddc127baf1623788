import Foundation

extension FaceDetector {
    /// The detector used when none is named: dlib's CNN from ToonKit's models folder
    /// (`CNNFaceDetector.defaultModelCandidates`), the photo doubled `upsample` times first; without
    /// that file, Debian's Haar frontal-face cascade, and `fallback` says why, for the caller to show.
    /// `environment` is the process's (the library reads none itself).
    public static func standard(upsample: Int = 1, environment: [String: String]) throws(FacesError)
        -> (detector: FaceDetector, fallback: String?) {
        let candidates = CNNFaceDetector.defaultModelCandidates(environment: environment)
        if candidates.contains(where: { FileManager.default.fileExists(atPath: $0) }) {
            return (.cnn(try CNNFaceDetector.defaultModel(environment: environment), upsample: upsample), nil)
        }
        let missing = FacesError(file: candidates.last!, .missingModel(CNNFaceDetector.howToGetModel))
        return (.cascade(try CascadeClassifier.defaultFrontalFace(.haar)),
                "\(missing); using the Haar cascade instead (faces turned away may be missed)")
    }
}
