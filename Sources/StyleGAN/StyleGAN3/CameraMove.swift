/// A camera move through a StyleGAN3 video: a start transform, a steady rotation and a straight
/// translation path. Equivariance makes the frames look filmed, not warped.
public struct CameraMove: Sendable, Equatable {
    /// The transform of the first frame.
    public var start: ImageTransform
    /// Degrees turned per second of video.
    public var degreesPerSecond: Double
    /// The horizontal translation added over the whole video, in image widths.
    public var pathX: Double
    /// The vertical part of that translation.
    public var pathY: Double

    /// A move from `start`; by default the camera stays there.
    public init(start: ImageTransform = .identity, degreesPerSecond: Double = 0, pathX: Double = 0, pathY: Double = 0) {
        self.start = start
        self.degreesPerSecond = degreesPerSecond
        self.pathX = pathX
        self.pathY = pathY
    }

    /// True when the camera moves at all.
    public var isMoving: Bool { degreesPerSecond != 0 || pathX != 0 || pathY != 0 }

    /// The transform of `frame` (0-based) of `frames` at `fps`. With `looping` the path ends one
    /// step before the start point repeats, so the last frame flows into the first.
    public func transform(frame: Int, of frames: Int, fps: Double, looping: Bool) -> ImageTransform {
        let steps = Double(max(looping ? frames : frames - 1, 1))
        let progress = Double(frame) / steps
        var t = start
        t.translateX += pathX * progress
        t.translateY += pathY * progress
        t.rotateDegrees += degreesPerSecond * Double(frame) / fps
        return t
    }
}
