import ToonCore
import ToonIO

extension StudentModel {
    /// A whole video frame stylized (full-frame mode): the bytes scaled to [-1, 1], mirrored at the
    /// right and bottom edges up to the next multiple of 2^levels, run through the student, cropped
    /// back and quantized as generated frames are (`RGBFrame(tensor:)`).
    public func stylize(frame: RGBFrame, degree: Float? = nil) -> RGBFrame {
        let x = Self.paddedTensor(frame, multiple: 1 << config.levels)
        let y = stylize(x, degree: degree)
        let cropped = y.shape[2] == frame.height && y.shape[3] == frame.width
            ? y : y.slice(axis: 2, 0..<frame.height).slice(axis: 3, 0..<frame.width).contiguous()
        return try! RGBFrame(tensor: cropped)
    }

    /// `frame` as a [1, 3, H', W'] tensor in [-1, 1], its sides mirrored up to multiples of `multiple`
    /// (edge pixels repeated where the frame is smaller than the padding).
    static func paddedTensor(_ frame: RGBFrame, multiple: Int) -> Tensor {
        let (w, h) = (frame.width, frame.height)
        let pw = (w + multiple - 1) / multiple * multiple, ph = (h + multiple - 1) / multiple * multiple
        func mirror(_ i: Int, _ n: Int) -> Int {
            guard i >= n else { return i }
            let reflected = 2 * (n - 1) - i
            return reflected >= 0 ? reflected : n - 1
        }
        var samples = [Float](repeating: 0, count: 3 * pw * ph)
        frame.pixels.withUnsafeBufferPointer { bytes in
            samples.withUnsafeMutableBufferPointer { out in
                let out = out.baseAddress!
                Parallel.forEach(ph, grain: 16) { rows in
                    for y in rows {
                        let sy = mirror(y, h)
                        for x in 0..<pw {
                            let source = (sy * w + mirror(x, w)) * 3
                            for c in 0..<3 { out[(c * ph + y) * pw + x] = Float(bytes[source + c]) / 127.5 - 1 }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [1, 3, ph, pw], scalars: samples)
    }
}
