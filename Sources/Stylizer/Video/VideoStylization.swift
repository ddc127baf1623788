import Faces
import Foundation
import ToonIO

/// A video stylized frame by frame: decoded by `FFmpegVideoReader`, each frame through the student
/// (whole, or its faces only), encoded by `FFmpegVideoWriter` into the container `output`'s
/// extension names, with the input's audio. One frame is in memory at a time; the output appears
/// only when complete (temporary file, then rename), and on any failure nothing is left.
public struct VideoStylization {
    /// What runs over each frame.
    public enum Mode {
        /// The student over the whole frame (it is fully convolutional).
        case fullFrame
        /// The faces only: found with `detector`, followed with `predictor`, per `settings`.
        case faceOnly(detector: FaceDetector, predictor: ShapePredictor, settings: FaceOnlyStylizer.Settings)
    }

    /// What was written.
    public struct Summary: Sendable, Equatable {
        /// Frames written.
        public var frames: Int
        /// Upright frame width.
        public var width: Int
        /// Upright frame height.
        public var height: Int
        /// The input's frame rate, kept.
        public var rate: FrameRate
        /// Rotation the input carried (clockwise degrees); the output holds upright frames and no tag.
        public var rotation: Int
        /// Per audio stream: nil when copied unchanged, else the codec it was re-encoded to.
        public var audio: [String?]
        /// Frames in which a face was stylized (face-only mode), else nil.
        public var framesWithFaces: Int?
    }

    /// The network run over frames or faces.
    public var student: StudentModel
    /// The degree, for a student with a degree input.
    public var degree: Float?
    /// Full frame or faces only.
    public var mode: Mode
    /// x264's constant rate factor for the output (VP9's is 13 more).
    public var crf: Int
    /// x264's preset (`FFmpegVideoWriter.x264Presets`); WebM's VP9 encoder has its own fixed speed.
    public var preset: String

    /// x264's preset for stylized video: "veryfast" takes 40% of "medium"'s encoding CPU, which on a
    /// small machine the student needs; on stylized frames at CRF 18 its file was 8% smaller, at a
    /// PSNR 1.5 dB lower (44.7 dB; docs/stylizer.md has the measurements).
    public static let defaultPreset = "veryfast"

    /// A job for `student`; x264 at `crf` with `preset`.
    public init(student: StudentModel, degree: Float? = nil, mode: Mode = .fullFrame, crf: Int = FFmpegVideoWriter.defaultCRF,
                preset: String = VideoStylization.defaultPreset) {
        self.student = student
        self.degree = degree
        self.mode = mode
        self.crf = crf
        self.preset = preset
    }

    /// Stylizes `input` into `output`; `progress` gets (frames done, frames expected or nil) after
    /// each frame, and an error it throws stops the run there (how a caller cancels), leaving nothing.
    /// A face-only run that finds no face in any frame throws `NoFaceFound` and writes nothing.
    public func run(input: URL, output: URL, progress: (Int, Int?) throws -> Void = { _, _ in }) throws -> Summary {
        guard let container = VideoContainer(url: output) else {
            throw ToonIOError(url: output, .video(.io("cannot write '.\(output.pathExtension)' video; use .mp4, .mov, .webm or .mkv")))
        }
        let reader = try FFmpegVideoReader(url: input)
        defer { reader.close() }
        let info = reader.info
        let audio = AudioSource(url: input, codecs: info.audioCodecs)
        let writer = try FFmpegVideoWriter(url: output, width: info.width, height: info.height, rate: info.frameRate,
                                           container: container, audio: audio, crf: crf, preset: preset)
        var faces: FaceOnlyStylizer?
        if case let .faceOnly(detector, predictor, settings) = mode {
            faces = FaceOnlyStylizer(student: student, detector: detector, predictor: predictor, settings: settings,
                                     interval: 1 / info.frameRate.value)
        }
        do {
            while var frame = try reader.next() {
                if let faces { faces.stylize(&frame, degree: degree) } else { frame = student.stylize(frame: frame, degree: degree) }
                try writer.append(frame)
                try progress(reader.framesRead, info.frameCount)
            }
            if let faces, faces.framesWithFaces == 0 { throw NoFaceFound(file: input.path, frames: reader.framesRead) }
            try writer.finish()
        } catch {
            writer.cancel()
            throw error
        }
        return Summary(frames: reader.framesRead, width: info.width, height: info.height, rate: info.frameRate,
                       rotation: info.rotation, audio: audio.reencoding(into: container), framesWithFaces: faces?.framesWithFaces)
    }
}

/// Face-only mode found no face in any frame of a picture or video.
public struct NoFaceFound: Error, CustomStringConvertible, Equatable {
    /// The picture or video searched.
    public let file: String
    /// Frames searched (1 for a picture).
    public let frames: Int

    /// No face in `frames` frames of `file`.
    public init(file: String, frames: Int) {
        self.file = file
        self.frames = frames
    }

    /// One line naming the file.
    public var description: String {
        "\(file): no face found" + (frames > 1 ? " in any of its \(frames) frames" : "") + " (face-only mode); nothing was written"
    }
}
