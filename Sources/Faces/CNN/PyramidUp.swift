/// dlib's `pyramid_up` with `pyramid_down<2>`, as `cnn_face_detection_model_v1` upsamples a photo
/// before detecting (its `upsample_num_times`), and the map of boxes back down.
enum PyramidUp {
    /// `point_up` of `pyramid_down<2>`: (p + (1.25, 0.75)) * 2.
    static func up(x: Double, y: Double) -> (x: Double, y: Double) { ((x + 1.25) * 2, (y + 0.75) * 2) }
    /// `point_down` of `pyramid_down<2>`: p / 2 - (1.25, 0.75).
    static func down(x: Double, y: Double) -> (x: Double, y: Double) { (x / 2 - 1.25, y / 2 - 0.75) }

    /// The doubled photo: the size of the photo's rectangle mapped up and rounded (2w + 2 by
    /// 2h + 1), filled by dlib's bilinear RGB resize (corners to corners, float weights, codes
    /// truncated as its SIMD path stores them).
    static func doubled(_ photo: RGBCodes) -> RGBCodes {
        let corner = up(x: Double(photo.width - 1), y: Double(photo.height - 1))
        let width = Int(corner.x.rounded()) + 1, height = Int(corner.y.rounded()) + 1
        let xScale = Double(photo.width - 1) / Double(max(width - 1, 1))
        let yScale = Double(photo.height - 1) / Double(max(height - 1, 1))
        var values = [Float](repeating: 0, count: 3 * width * height)
        let (inPlane, outPlane) = (photo.width * photo.height, width * height)
        photo.values.withUnsafeBufferPointer { source in
            for r in 0..<height {
                let y = Double(r) * yScale
                let top = Int(y.rounded(.down)), bottom = min(top + 1, photo.height - 1)
                let tb = Float(y - Double(top))
                for c in 0..<width {
                    let x = Double(c) * xScale
                    let left = Int(x.rounded(.down)), right = min(left + 1, photo.width - 1)
                    let lr = Float(x - Double(left))
                    let (tl, tr, bl, br) = ((1 - tb) * (1 - lr), (1 - tb) * lr, tb * (1 - lr), tb * lr)
                    for channel in 0..<3 {
                        let p = source.baseAddress! + channel * inPlane
                        let value = tl * p[top * photo.width + left] + tr * p[top * photo.width + right]
                            + bl * p[bottom * photo.width + left] + br * p[bottom * photo.width + right]
                        values[channel * outPlane + r * width + c] = value.rounded(.towardZero)
                    }
                }
            }
        }
        return RGBCodes(width: width, height: height, values: values)
    }
}
