/// The shape of a stylizer student: an encoder that halves the resolution `levels` times, a bridge of
/// residual blocks at the lowest resolution, and a decoder back up with the encoder's features joined
/// at each level (U-Net skips, which keep the photo's detail where the cartoon follows it).
public struct StudentConfig: Sendable, Equatable, Codable {
    /// Channels at full resolution; each level down doubles them.
    public var width: Int
    /// Residual blocks at the lowest resolution.
    public var bridgeBlocks: Int
    /// Times the encoder halves the resolution (3: 8x down); input sides must divide by 2^levels.
    public var levels: Int
    /// Whether the degree of toonification is a fourth input plane, so one student covers the slider.
    public var degreeInput: Bool

    public init(width: Int = 16, bridgeBlocks: Int = 2, levels: Int = 3, degreeInput: Bool = false) {
        self.width = width
        self.bridgeBlocks = bridgeBlocks
        self.levels = levels
        self.degreeInput = degreeInput
    }

    /// Channels at level `level` (0 is full resolution).
    public func channels(_ level: Int) -> Int { width << level }

    /// Input planes: RGB, and the degree when `degreeInput`.
    public var inputChannels: Int { degreeInput ? 4 : 3 }

    /// The first problem with these numbers, or nil.
    public var problem: String? {
        if !(1...256).contains(width) { return "width must be in 1...256, not \(width)" }
        if !(0...64).contains(bridgeBlocks) { return "bridge blocks must be in 0...64, not \(bridgeBlocks)" }
        if !(1...6).contains(levels) { return "levels must be in 1...6, not \(levels)" }
        if width << levels > 4096 { return "width \(width) doubled \(levels) times exceeds 4096 channels" }
        return nil
    }
}
