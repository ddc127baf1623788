/// How a face is drawn; the person (shape, colours, pose) stays the same in every style.
public enum FaceStyle: String, Codable, Sendable, CaseIterable {
    /// Soft lighting and gradients, no outlines: closest to a photograph.
    case shaded
    /// Flat fills with dark outlines: a western cartoon.
    case flat
    /// Large glossy eyes with highlights, a small nose and mouth, cel-shaded hair with a highlight
    /// band, thin outlines.
    case anime
}
