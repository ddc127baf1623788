import ToonCore

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
        let columns = BilinearSteps(from: photo.width, to: width), rows = BilinearSteps(from: photo.height, to: height)
        var values = [Float](repeating: 0, count: 3 * width * height)
        let (inPlane, outPlane) = (photo.width * photo.height, width * height)
        photo.values.withUnsafeBufferPointer { source in
            values.withUnsafeMutableBufferPointer { out in
                let (source, out) = (SharedPointer(source.baseAddress!), SharedMutablePointer(out.baseAddress!))
                Parallel.forEach(3 * height, grain: 16) { items in
                    for item in items {
                        let (channel, r) = (item / height, item % height)
                        let tb = rows.fraction[r]
                        let top = source.value + channel * inPlane + rows.low[r] * photo.width
                        let bottom = source.value + channel * inPlane + rows.high[r] * photo.width
                        let target = out.value + channel * outPlane + r * width
                        for c in 0..<width {
                            let (left, right, lr) = (columns.low[c], columns.high[c], columns.fraction[c])
                            let value = (1 - tb) * (1 - lr) * top[left] + (1 - tb) * lr * top[right]
                                + tb * (1 - lr) * bottom[left] + tb * lr * bottom[right]
                            target[c] = value.rounded(.towardZero)
                        }
                    }
                }
            }
        }
        return RGBCodes(width: width, height: height, values: values)
    }
}
