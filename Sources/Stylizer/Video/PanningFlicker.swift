import ToonIO

/// The flicker metric of a frame-by-frame stylizer (issue 16's evaluation): a still photo panned by a
/// known whole-pixel motion makes a clip; each frame is stylized in turn; consecutive outputs are
/// compared after undoing the motion, over the part of the picture both show. A stylizer that
/// commutes with the motion scores 0; everything above is change the camera motion alone caused.
public struct PanningClip: Sendable {
    /// The photo the window moves over.
    public let photo: RGBFrame
    /// Window width.
    public let width: Int
    /// Window height.
    public let height: Int
    /// Pixels the window moves right and down each frame.
    public let step: (x: Int, y: Int)
    /// Frames in the clip.
    public let frames: Int

    /// A clip of `frames` windows of `width` x `height` moving `step` a frame, the path centred on
    /// the photo (so a portrait's face stays in view); nil when the photo is too small for the path.
    public init?(photo: RGBFrame, width: Int, height: Int, step: (x: Int, y: Int), frames: Int) {
        let travelX = abs(step.x) * (frames - 1), travelY = abs(step.y) * (frames - 1)
        guard frames >= 2, width > 0, height > 0, width + travelX <= photo.width, height + travelY <= photo.height,
              step.x != 0 || step.y != 0 else { return nil }
        self.photo = photo
        self.width = width
        self.height = height
        self.step = step
        self.frames = frames
    }

    /// Where frame `t`'s window starts in the photo.
    public func origin(_ t: Int) -> (x: Int, y: Int) {
        func start(_ step: Int, _ side: Int, _ photoSide: Int) -> Int {
            let travel = abs(step) * (frames - 1)
            return (photoSide - side - travel) / 2 + (step < 0 ? travel : 0)
        }
        return (start(step.x, width, photo.width) + t * step.x, start(step.y, height, photo.height) + t * step.y)
    }

    /// Frame `t` of the clip.
    public func frame(_ t: Int) -> RGBFrame {
        let (ox, oy) = origin(t)
        var pixels = [UInt8]()
        pixels.reserveCapacity(width * height * 3)
        for y in 0..<height {
            let start = ((oy + y) * photo.width + ox) * 3
            pixels += photo.pixels[start..<start + width * 3]
        }
        return RGBFrame(width: width, height: height, pixels: pixels)
    }

    /// Mean absolute difference, in 8-bit levels, between consecutive outputs of `stylize` (called on
    /// frames 0, 1, ... in order, so it may keep state) after shifting each back by the step, over
    /// the pixels both frames show; the mean over the clip's frame pairs.
    public func flicker(_ stylize: (RGBFrame) throws -> RGBFrame) rethrows -> Double {
        var previous: RGBFrame?
        var total = 0.0
        for t in 0..<frames {
            let output = try stylize(frame(t))
            precondition(output.width == width && output.height == height, "the stylizer changed the frame size")
            if let previous { total += Self.shiftedDifference(previous, output, step: step) }
            previous = output
        }
        return total / Double(frames - 1)
    }

    /// Mean |b(p) - a(p + step)| over the p where both are inside, in 8-bit levels: content at p in
    /// frame t + 1 sat at p + step in frame t.
    static func shiftedDifference(_ a: RGBFrame, _ b: RGBFrame, step: (x: Int, y: Int)) -> Double {
        let (w, h) = (a.width, a.height)
        let xs = max(0, -step.x)..<min(w, w - step.x), ys = max(0, -step.y)..<min(h, h - step.y)
        guard !xs.isEmpty, !ys.isEmpty else { return 0 }
        var sum = 0
        a.pixels.withUnsafeBufferPointer { pa in
            b.pixels.withUnsafeBufferPointer { pb in
                for y in ys {
                    for x in xs {
                        let i = (y * w + x) * 3, j = ((y + step.y) * w + x + step.x) * 3
                        for c in 0..<3 { sum += abs(Int(pb[i + c]) - Int(pa[j + c])) }
                    }
                }
            }
        }
        return Double(sum) / Double(xs.count * ys.count * 3)
    }
}
