import Faces
import ToonIO

extension FaceOnlyStylizer {
    /// One photo in face-only mode, as `toon stylize --face-only` and the studio run it: every face
    /// found (detection on this picture alone, no smoothing), stylized at `faceSize` and pasted back.
    /// The stylized photo and how many faces it had (none: the photo as it was).
    public static func stylizePhoto(_ photo: Image, student: StudentModel, detector: FaceDetector, predictor: ShapePredictor,
                                    faceSize: Int, degree: Float?) throws(ToonIOError) -> (image: Image, faces: Int) {
        let stylizer = FaceOnlyStylizer(student: student, detector: detector, predictor: predictor,
                                        settings: Settings(detectEvery: 1, faceSize: faceSize, smoothingCutoff: nil))
        var frame = try RGBFrame(tensor: photo.rgb().tensor(range: 0...1), range: 0...1)
        let squares = stylizer.stylize(&frame, degree: degree)
        return (Image(frame: frame), squares.count)
    }
}
