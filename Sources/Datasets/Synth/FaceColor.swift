/// An sRGB colour with components in 0...1, as the renderer paints it.
public struct FaceColor: Codable, Sendable, Equatable {
    public var r: Float
    public var g: Float
    public var b: Float

    public init(_ r: Float, _ g: Float, _ b: Float) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// Each component times `factor`, clamped to 0...1.
    func scaled(_ factor: Float) -> FaceColor {
        FaceColor(min(1, max(0, r * factor)), min(1, max(0, g * factor)), min(1, max(0, b * factor)))
    }

    /// The colour `t` of the way towards `other`.
    func mixed(with other: FaceColor, _ t: Float) -> FaceColor {
        FaceColor(r + (other.r - r) * t, g + (other.g - g) * t, b + (other.b - b) * t)
    }

    /// Brightness (Rec. 601 weights on the sRGB values; enough to pick outline tones).
    var luma: Float { 0.299 * r + 0.587 * g + 0.114 * b }

    /// Hue in turns (0...1), saturation and value in 0...1.
    static func hsv(_ h: Float, _ s: Float, _ v: Float) -> FaceColor {
        let h6 = (h - h.rounded(.down)) * 6
        let sector = Int(h6) % 6
        let f = h6 - Float(Int(h6))
        let p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f))
        switch sector {
        case 0: return FaceColor(v, t, p)
        case 1: return FaceColor(q, v, p)
        case 2: return FaceColor(p, v, t)
        case 3: return FaceColor(p, q, v)
        case 4: return FaceColor(t, p, v)
        default: return FaceColor(v, p, q)
        }
    }
}
