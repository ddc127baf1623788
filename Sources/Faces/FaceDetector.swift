import ToonIO

/// The detector a face pipeline uses: dlib's CNN (the default: it finds turned and tilted faces)
/// or an OpenCV cascade (fast, and the way to use an anime-face cascade).
public enum FaceDetector: Sendable {
    /// dlib's MMOD CNN, the photo doubled `upsample` times first (1 finds faces down to about 40 px).
    case cnn(CNNFaceDetector, upsample: Int)
    /// A cascade with `detect(in:)`'s defaults, on the photo in gray.
    case cascade(CascadeClassifier)

    /// The model or cascade file.
    public var file: String {
        switch self {
        case .cnn(let detector, _): detector.file
        case .cascade(let cascade): cascade.file
        }
    }

    /// The faces in `photo`. Cascades give no score: each of their boxes has confidence 1.
    public func detect(in photo: Image) -> [FaceDetection] {
        switch self {
        case let .cnn(detector, upsample): detector.detectScaled(in: photo, upsample: upsample)
        case .cascade(let cascade): cascade.detect(in: GrayImage(photo)).map { FaceDetection(box: $0, confidence: 1) }
        }
    }
}
