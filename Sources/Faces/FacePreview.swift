import ToonIO

/// A picture of what a detector found: the photo in 8-bit RGB with each face's box outlined and
/// its landmarks dotted, lines and dots sized to the photo, so a user can see why a face was or
/// was not found.
public enum FacePreview {
    /// Box outlines (green) and landmark dots (red) for `faces` on `photo`: each face its box and
    /// its points (empty for none).
    public static func draw(on photo: Image, faces: [(box: FaceBox, landmarks: [FacePoint])]) -> Image {
        var codes = RGBCodes(photo)
        let thickness = max(2, max(photo.width, photo.height) / 400)
        for face in faces {
            let b = face.box
            codes.fill(x: b.x, y: b.y, width: b.width, height: thickness, rgb: (0, 255, 0))
            codes.fill(x: b.x, y: b.y + b.height - thickness, width: b.width, height: thickness, rgb: (0, 255, 0))
            codes.fill(x: b.x, y: b.y, width: thickness, height: b.height, rgb: (0, 255, 0))
            codes.fill(x: b.x + b.width - thickness, y: b.y, width: thickness, height: b.height, rgb: (0, 255, 0))
            let dot = max(1, min(b.width, b.height) / 60)
            for point in face.landmarks {
                codes.fill(x: Int(point.x.rounded()) - dot, y: Int(point.y.rounded()) - dot, width: 2 * dot + 1, height: 2 * dot + 1,
                           rgb: (255, 0, 0))
            }
        }
        return codes.image
    }
}

extension RGBCodes {
    /// Paints the rectangle's part inside the picture.
    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, rgb: (Float, Float, Float)) {
        let (x0, y0, x1, y1) = (max(0, x), max(0, y), min(width, x + w), min(height, y + h))
        guard x1 > x0 && y1 > y0 else { return }
        let plane = width * height
        for row in y0..<y1 {
            for column in x0..<x1 {
                values[row * width + column] = rgb.0
                values[plane + row * width + column] = rgb.1
                values[2 * plane + row * width + column] = rgb.2
            }
        }
    }
}
