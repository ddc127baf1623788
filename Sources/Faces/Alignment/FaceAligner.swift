import ToonIO

/// One face found in a photo: the detector's box, dlib's landmarks in it and the aligned face.
public struct AlignedPhotoFace: Sendable {
    /// The detector's box.
    public var box: FaceBox
    /// The detector's confidence (1 for a cascade).
    public var confidence: Double
    /// The predictor's points in that box.
    public var landmarks: [FacePoint]
    /// The face aligned from those points.
    public var aligned: AlignedFace
}

/// Detection, landmarks and FFHQ alignment in one call: what `toon align` runs per photo.
public struct FaceAligner: Sendable {
    /// Finds the faces.
    public var detector: FaceDetector
    /// Places 68 landmarks in each box.
    public var predictor: ShapePredictor
    /// Cuts each face out.
    public var alignment: FFHQAlignment

    /// The three steps; `predictor` must give 68 points.
    public init(detector: FaceDetector, predictor: ShapePredictor, alignment: FFHQAlignment) {
        precondition(predictor.pointCount == 68, "FFHQ alignment needs a 68-point predictor, not \(predictor.pointCount)")
        self.detector = detector
        self.predictor = predictor
        self.alignment = alignment
    }

    /// The faces in `photo` left to right (then top to bottom), each with its landmarks and aligned
    /// image; none when the detector finds none.
    public func faces(in photo: Image) -> [AlignedPhotoFace] {
        let found = detector.detect(in: photo).sorted { ($0.box.x, $0.box.y, $0.box.width) < ($1.box.x, $1.box.y, $1.box.width) }
        let intensities = GrayImage(dlibIntensitiesOf: photo)
        return found.map { face in
            let points = predictor.landmarks(in: intensities, face: face.box)
            return AlignedPhotoFace(box: face.box, confidence: face.confidence, landmarks: points,
                                    aligned: alignment.align(photo, landmarks: points))
        }
    }
}
