import ToonIO

/// One face found in a photo: the detector's box, dlib's landmarks in it and the aligned face.
public struct AlignedPhotoFace: Sendable {
    /// The detector's box.
    public var box: FaceBox
    /// The predictor's points in that box.
    public var landmarks: [FacePoint]
    /// The face aligned from those points.
    public var aligned: AlignedFace
}

/// Detection, landmarks and FFHQ alignment in one call: what `toon align` runs per photo.
public struct FaceAligner: Sendable {
    /// Finds the faces (boxes from `detect(in:)` with its defaults).
    public var detector: CascadeClassifier
    /// Places 68 landmarks in each box.
    public var predictor: ShapePredictor
    /// Cuts each face out.
    public var alignment: FFHQAlignment

    /// The three steps; `predictor` must give 68 points.
    public init(detector: CascadeClassifier, predictor: ShapePredictor, alignment: FFHQAlignment) {
        precondition(predictor.pointCount == 68, "FFHQ alignment needs a 68-point predictor, not \(predictor.pointCount)")
        self.detector = detector
        self.predictor = predictor
        self.alignment = alignment
    }

    /// The faces in `photo` left to right (then top to bottom), each with its landmarks and aligned
    /// image; none when the detector finds none.
    public func faces(in photo: Image) -> [AlignedPhotoFace] {
        let boxes = detector.detect(in: GrayImage(photo)).sorted { ($0.x, $0.y, $0.width) < ($1.x, $1.y, $1.width) }
        let intensities = GrayImage(dlibIntensitiesOf: photo)
        return boxes.map { box in
            let points = predictor.landmarks(in: intensities, face: box)
            return AlignedPhotoFace(box: box, landmarks: points, aligned: alignment.align(photo, landmarks: points))
        }
    }
}
