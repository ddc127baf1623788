import ToonIO

/// Draws synthetic faces: the same `FaceParameters` as the same person in every `FaceStyle`.
public enum FaceRenderer {
    /// The face as a 3-channel image of `resolution` x `resolution` pixels, samples in 0...1.
    /// Edges are anti-aliased analytically (coverage from signed distances), at any resolution.
    public static func render(_ face: FaceParameters, style: FaceStyle, resolution: Int) -> Image {
        precondition(resolution > 0, "resolution \(resolution)")
        let scene = FaceScene(face, style: style, resolution: resolution)
        let plane = resolution * resolution
        var samples = [Float](repeating: 0, count: 3 * plane)
        samples.withUnsafeMutableBufferPointer { out in
            for row in 0..<resolution {
                let py = ((Float(row) + 0.5) / Float(resolution) - 0.5) * FaceScene.zoom
                for column in 0..<resolution {
                    let px = ((Float(column) + 0.5) / Float(resolution) - 0.5) * FaceScene.zoom
                    let c = scene.color(px, py)
                    let i = row * resolution + column
                    out[i] = min(max(c.r, 0), 1)
                    out[plane + i] = min(max(c.g, 0), 1)
                    out[2 * plane + i] = min(max(c.b, 0), 1)
                }
            }
        }
        return Image(width: resolution, height: resolution, channels: 3, samples: samples)
    }
}
