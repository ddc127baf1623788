import Faces
import Foundation
import ToonCore
import ToonIO

/// Face-only stylization of a stream of frames: faces found every `detectEvery` frames, followed
/// between detections by their landmarks, each face's square smoothed over time (one-euro), cut
/// out aligned, stylized by the student (or any function of an aligned face, such as the teacher's
/// per-frame toonify the flicker metric compares with) and pasted back under a feathered mask. The
/// rest of the frame is left as it was. One instance per video: it keeps the faces it tracks.
public final class FaceOnlyStylizer {
    /// How faces are found, followed and cut out.
    public struct Settings: Sendable, Equatable {
        /// Frames between detections (1: every frame); landmarks follow the faces in between.
        public var detectEvery: Int
        /// Side of the aligned face the student sees; rounded up to its 2^levels multiple.
        public var faceSize: Int
        /// One-euro cutoff at rest (Hz) for the face squares; nil: no smoothing.
        public var smoothingCutoff: Double?
        /// One-euro speed coefficient (Hz per side a second).
        public var smoothingBeta: Double

        /// Detection every 10 frames, 256-pixel faces, 1.5 Hz at rest rising 2 Hz per side a second.
        public init(detectEvery: Int = 10, faceSize: Int = 256, smoothingCutoff: Double? = 1.5, smoothingBeta: Double = 2) {
            precondition(detectEvery >= 1 && faceSize >= 8, "detect every \(detectEvery), face size \(faceSize)")
            self.detectEvery = detectEvery
            self.faceSize = faceSize
            self.smoothingCutoff = smoothingCutoff
            self.smoothingBeta = smoothingBeta
        }
    }

    /// A face being followed: the box its landmarks are looked for in, and its smoothed square.
    struct Track {
        var box: FaceBox
        /// Mean and spread of the landmarks found in `box` on its detection frame; later boxes follow
        /// the landmarks' moves from there. Nil until that frame's landmarks are found.
        var anchor: (centre: FacePoint, spread: Double)?
        var landmarks: [FacePoint]
        /// The box the landmarks were last looked for in: where the face is now, for matching.
        var current: FaceBox
        var smoother: FaceSquareSmoother?
    }

    /// Stylizes each aligned face: [1, 3, faceSide, faceSide] in [-1, 1] and the degree, to the same.
    private let stylizeFace: (Tensor, Float?) -> Tensor
    /// The side of the aligned faces `stylizeFace` sees.
    public let faceSide: Int
    /// Finds faces on detection frames.
    public let detector: FaceDetector
    /// Places the 68 landmarks every frame.
    public let predictor: ShapePredictor
    /// Detection interval, face size, smoothing.
    public let settings: Settings
    /// Seconds between frames, for the smoothing.
    public let interval: Double
    /// Frames seen so far.
    public private(set) var frameIndex = 0
    /// Frames in which at least one face was stylized.
    public private(set) var framesWithFaces = 0
    private var tracks: [Track] = []

    /// A stylizer for frames `interval` seconds apart; `predictor` must give dlib's 68 points.
    public convenience init(student: StudentModel, detector: FaceDetector, predictor: ShapePredictor, settings: Settings = Settings(),
                interval: Double = 1.0 / 30) {
        // The student is fully convolutional: any multiple of 2^levels near faceSize will do.
        let step = 1 << student.config.levels
        self.init(faceSide: (settings.faceSize + step - 1) / step * step, detector: detector, predictor: predictor,
                  settings: settings, interval: interval) { student.stylize($0, degree: $1) }
    }

    /// A stylizer that hands each aligned face, `faceSide` pixels square, to `stylizeFace`.
    public init(faceSide: Int, detector: FaceDetector, predictor: ShapePredictor, settings: Settings = Settings(),
                interval: Double = 1.0 / 30, stylizeFace: @escaping (Tensor, Float?) -> Tensor) {
        precondition(predictor.pointCount == 68, "face-only mode needs a 68-point predictor, not \(predictor.pointCount)")
        precondition(faceSide >= 8, "face side \(faceSide)")
        self.faceSide = faceSide
        self.stylizeFace = stylizeFace
        self.detector = detector
        self.predictor = predictor
        self.settings = settings
        self.interval = interval
    }

    /// `frame` with every tracked face stylized; the squares used, in track order.
    @discardableResult
    public func stylize(_ frame: inout RGBFrame, degree: Float? = nil) -> [FaceSquare] {
        let image = Image(frame: frame)
        let gray = GrayImage(dlibIntensitiesOf: image)
        if frameIndex % settings.detectEvery == 0 { redetect(in: image) }
        frameIndex += 1
        var squares: [FaceSquare] = []
        // A face whose followed box has left the frame is dropped until a detection finds it again.
        tracks.removeAll { track in
            let box = followedBox(track)
            let cx = box.x + box.width / 2, cy = box.y + box.height / 2
            return cx < 0 || cy < 0 || cx >= frame.width || cy >= frame.height
        }
        for k in tracks.indices {
            tracks[k].current = followedBox(tracks[k])
            let points = predictor.landmarks(in: gray, face: tracks[k].current)
            if tracks[k].anchor == nil { tracks[k].anchor = Self.centreAndSpread(points) }
            tracks[k].landmarks = points
            var square = FaceSquare(landmarks: points)
            if tracks[k].smoother != nil { square = tracks[k].smoother!.smooth(square, interval: interval) }
            guard square.side >= 4 else { continue }
            let face = stylizeFace(FaceCrop.cut(frame, square: square, side: faceSide), degree)
            FaceCrop.paste(face, into: &frame, square: square)
            squares.append(square)
        }
        if !squares.isEmpty { framesWithFaces += 1 }
        return squares
    }

    /// Runs the detector; a detection overlapping a tracked face renews that track's box (keeping
    /// its smoothing), others start new tracks, and tracks no detection overlaps end.
    private func redetect(in image: Image) {
        let found = detector.detect(in: image).map(\.box)
        var renewed: [Track] = []
        for box in found {
            let current = tracks.indices.max { overlap(tracks[$0], box) < overlap(tracks[$1], box) }
            var track: Track
            if let current, overlap(tracks[current], box) > 0.3 {
                track = tracks.remove(at: current)
                track.box = box
                track.landmarks = []
            } else {
                let smoother = settings.smoothingCutoff.map { FaceSquareSmoother(minCutoff: $0, beta: settings.smoothingBeta) }
                track = Track(box: box, anchor: nil, landmarks: [], current: box, smoother: smoother)
            }
            track.anchor = nil
            renewed.append(track)
        }
        tracks = renewed
    }

    /// The box to look for the landmarks in: the detector's box on its own frame; after that, moved
    /// and scaled as the landmarks moved since (the predictor expects boxes like the detector's).
    private func followedBox(_ track: Track) -> FaceBox {
        guard let anchor = track.anchor, anchor.spread > 0, !track.landmarks.isEmpty else { return track.box }
        let now = Self.centreAndSpread(track.landmarks)
        let scale = now.spread / anchor.spread
        let cx = Double(track.box.x) + Double(track.box.width) / 2 + now.centre.x - anchor.centre.x
        let cy = Double(track.box.y) + Double(track.box.height) / 2 + now.centre.y - anchor.centre.y
        let w = Double(track.box.width) * scale, h = Double(track.box.height) * scale
        return FaceBox(x: Int((cx - w / 2).rounded()), y: Int((cy - h / 2).rounded()),
                       width: max(Int(w.rounded()), 1), height: max(Int(h.rounded()), 1))
    }

    static func centreAndSpread(_ points: [FacePoint]) -> (centre: FacePoint, spread: Double) {
        let n = Double(points.count)
        let cx = points.reduce(0) { $0 + $1.x } / n, cy = points.reduce(0) { $0 + $1.y } / n
        let spread = (points.reduce(0) { $0 + ($1.x - cx) * ($1.x - cx) + ($1.y - cy) * ($1.y - cy) } / n).squareRoot()
        return (FacePoint(x: cx, y: cy), spread)
    }

    /// Intersection over union of where a track's face is now and a detection.
    private func overlap(_ track: Track, _ box: FaceBox) -> Double {
        let a = track.current
        let iw = max(0, min(a.x + a.width, box.x + box.width) - max(a.x, box.x))
        let ih = max(0, min(a.y + a.height, box.y + box.height) - max(a.y, box.y))
        let inter = Double(iw * ih), union = Double(a.width * a.height + box.width * box.height) - Double(iw * ih)
        return union > 0 ? inter / union : 0
    }
}
