#if Studio
import Foundation

/// What a job is asked to do: the fields of `POST /api/jobs`. Which fields count depends on `kind`.
public struct JobRequest: Sendable, Codable, Equatable {
    /// The kinds of work.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Images from seeds, composed into one grid (`toon generate --grid`).
        case generate
        /// Style mixing grid (`toon mix`).
        case mix
        /// A walk between seeds as a GIF or MP4 (`toon interpolate`).
        case interpolate
        /// A photo's faces projected and drawn by a toonify pair (`toon toonify --paste-back`, or
        /// `--aligned` for a photo that is one aligned face).
        case toonify
        /// A photo or video through a student (`toon stylize`).
        case stylize
    }

    /// What to do.
    public var kind: Kind
    /// The style's id (from the gallery).
    public var style: String
    /// Seeds as `toon generate --seeds` takes them ("0-3,9"); interpolation keyframes.
    public var seeds: String?
    /// Truncation psi.
    public var psi: Float?
    /// Mix: the row seeds.
    public var rows: String?
    /// Mix: the column seeds.
    public var cols: String?
    /// Mix: the ws taken from the columns ("0-6" when not given).
    public var layers: String?
    /// Interpolation: frame count (60 when not given).
    public var frames: Int?
    /// Interpolation: frames per second (30 when not given).
    public var fps: Double?
    /// Interpolation: `gif` (the default) or `mp4`.
    public var format: String?
    /// Interpolation: return to the first seed at the end.
    public var loop: Bool?
    /// Interpolation: `w` (the default) or `z`, the space walked in.
    public var space: String?
    /// Toonify and stylize: the upload's id.
    public var upload: String?
    /// How cartoon, 0...1.
    public var degree: Double?
    /// Toonify: projection steps (300 when not given).
    public var steps: Int?
    /// Toonify: the projection's seed (303 when not given).
    public var seed: UInt32?
    /// Toonify: `detect` (find, align and paste back every face) or `aligned` (the photo is one
    /// aligned face). When not given: `aligned` for a built-in style (its synthetic faces come
    /// aligned), `detect` for the others.
    public var faces: String?
    /// Stylize: `full-frame` (the default) or `face-only` (the faces only, pasted back).
    public var mode: String?

    /// A request of `kind` with `style` and every other field unset.
    public init(kind: Kind, style: String) {
        self.kind = kind
        self.style = style
    }
}

/// Where a job is in its life.
public enum JobStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting, running, finished with a result, failed with a message, or cancelled.
    case queued, running, done, failed, cancelled

    /// Whether the job will not change any more.
    public var isFinal: Bool { self == .done || self == .failed || self == .cancelled }
}

/// A job as the API shows it and the database keeps it.
public struct Job: Sendable, Codable, Equatable {
    /// Its id (a lower-case UUID the server made).
    public var id: String
    /// What was asked.
    public var request: JobRequest
    /// Where it is.
    public var status: JobStatus
    /// Fraction done, 0...1.
    public var progress: Double
    /// Why it failed, or what it made.
    public var message: String?
    /// The result's file name under the data folder's results (generated, never from a request).
    public var resultFile: String?
    /// The result's media type.
    public var resultType: String?
    /// When it was queued, in seconds since 1970.
    public var created: Double
    /// When it last changed, in seconds since 1970.
    public var updated: Double
}
#endif
