import ToonCore
/// Everything that makes one synthetic person: the renderer draws the same parameters as the same
/// person in every `FaceStyle`. Lengths are in frame units (the frame is 1 wide, its centre is 0,
/// y grows downwards), so a face looks the same at every resolution.
public struct FaceParameters: Codable, Sendable, Equatable {
    public enum HairStyle: Int, Codable, Sendable, CaseIterable {
        case short, bob, long, spiky, twinTails, bald, ponytail
    }

    public enum EyeShape: Int, Codable, Sendable, CaseIterable {
        case round, almond, narrow
    }

    public enum MouthShape: Int, Codable, Sendable, CaseIterable {
        case neutral, smile, open
    }

    // Head.
    /// Half the head's width (about 0.19...0.24).
    public var headWidth: Float
    /// Half the head's height, crown to chin (about 0.26...0.31).
    public var headHeight: Float
    /// How much the lower face narrows to the chin: 0 round, 1 pointed.
    public var jaw: Float
    public var skin: FaceColor

    // Hair.
    public var hairStyle: HairStyle
    public var hairColor: FaceColor
    /// Whether the hair colour comes from the anime palette (pink, blue, green, silver, ...).
    public var animeHairColor: Bool
    /// How far the fringe comes down the forehead: 0 high, 1 to the brows.
    public var fringe: Float
    /// Where the hair parts, -1 (viewer's left) ... 1.
    public var hairPart: Float

    // Eyes and brows.
    public var eyeShape: EyeShape
    /// Eye size relative to the average, about 0.8...1.25.
    public var eyeSize: Float
    /// Half the distance between the eye centres (about 0.075...0.1).
    public var eyeSpacing: Float
    public var irisColor: FaceColor
    /// Brow thickness relative to the average, about 0.7...1.4.
    public var browThickness: Float
    /// Brow slant: negative lowers the inner ends (stern), positive raises them (worried).
    public var browTilt: Float

    // Mouth.
    public var mouth: MouthShape
    /// Half the mouth's width (about 0.035...0.06).
    public var mouthWidth: Float
    /// Colour of the lips (shaded style) and the inside of an open mouth.
    public var lipColor: FaceColor

    // Pose.
    /// Turn left or right, -1...1: features shift sideways, the far eye narrows.
    public var yaw: Float
    /// Head tilt in radians (about -0.15...0.15), about the neck.
    public var roll: Float

    // Surroundings.
    public var backgroundTop: FaceColor
    public var backgroundBottom: FaceColor
    public var shirt: FaceColor
    /// Strength of the cheek blush, 0...1.
    public var blush: Float

    public init(headWidth: Float, headHeight: Float, jaw: Float, skin: FaceColor, hairStyle: HairStyle,
                hairColor: FaceColor, animeHairColor: Bool, fringe: Float, hairPart: Float, eyeShape: EyeShape,
                eyeSize: Float, eyeSpacing: Float, irisColor: FaceColor, browThickness: Float, browTilt: Float,
                mouth: MouthShape, mouthWidth: Float, lipColor: FaceColor, yaw: Float, roll: Float,
                backgroundTop: FaceColor, backgroundBottom: FaceColor, shirt: FaceColor, blush: Float) {
        self.headWidth = headWidth
        self.headHeight = headHeight
        self.jaw = jaw
        self.skin = skin
        self.hairStyle = hairStyle
        self.hairColor = hairColor
        self.animeHairColor = animeHairColor
        self.fringe = fringe
        self.hairPart = hairPart
        self.eyeShape = eyeShape
        self.eyeSize = eyeSize
        self.eyeSpacing = eyeSpacing
        self.irisColor = irisColor
        self.browThickness = browThickness
        self.browTilt = browTilt
        self.mouth = mouth
        self.mouthWidth = mouthWidth
        self.lipColor = lipColor
        self.yaw = yaw
        self.roll = roll
        self.backgroundTop = backgroundTop
        self.backgroundBottom = backgroundBottom
        self.shirt = shirt
        self.blush = blush
    }
}

extension FaceParameters {
    /// Natural hair: black, browns, auburn, ginger, blondes, gray.
    static let naturalHair: [FaceColor] = [
        FaceColor(0.08, 0.07, 0.07), FaceColor(0.20, 0.13, 0.09), FaceColor(0.36, 0.23, 0.14),
        FaceColor(0.52, 0.30, 0.17), FaceColor(0.55, 0.21, 0.12), FaceColor(0.84, 0.46, 0.22),
        FaceColor(0.88, 0.75, 0.46), FaceColor(0.94, 0.90, 0.78), FaceColor(0.58, 0.57, 0.56),
    ]

    /// Anime hair: pinks, blues, greens, silver, purples, red, teal, orange.
    static let animeHair: [FaceColor] = [
        FaceColor(0.98, 0.62, 0.76), FaceColor(0.94, 0.34, 0.60), FaceColor(0.28, 0.46, 0.92),
        FaceColor(0.56, 0.78, 0.98), FaceColor(0.32, 0.72, 0.42), FaceColor(0.62, 0.92, 0.78),
        FaceColor(0.80, 0.82, 0.88), FaceColor(0.54, 0.36, 0.80), FaceColor(0.76, 0.66, 0.96),
        FaceColor(0.84, 0.16, 0.22), FaceColor(0.14, 0.64, 0.70), FaceColor(0.98, 0.60, 0.22),
    ]

    static let skinTones: [FaceColor] = [
        FaceColor(0.99, 0.88, 0.80), FaceColor(0.96, 0.82, 0.71), FaceColor(0.92, 0.74, 0.60),
        FaceColor(0.84, 0.63, 0.48), FaceColor(0.70, 0.50, 0.36), FaceColor(0.54, 0.37, 0.26),
        FaceColor(0.40, 0.27, 0.19),
    ]

    static let irisColors: [FaceColor] = [
        FaceColor(0.40, 0.25, 0.13), FaceColor(0.20, 0.13, 0.08), FaceColor(0.28, 0.48, 0.80),
        FaceColor(0.28, 0.55, 0.30), FaceColor(0.56, 0.45, 0.20), FaceColor(0.50, 0.56, 0.62),
        FaceColor(0.82, 0.16, 0.18), FaceColor(0.56, 0.30, 0.78), FaceColor(0.90, 0.68, 0.18),
        FaceColor(0.14, 0.60, 0.66), FaceColor(0.92, 0.40, 0.62),
    ]

    /// Face `index` of the dataset drawn with `seed`: the same pair gives the same face everywhere.
    public static func sample(seed: UInt64, index: Int) -> FaceParameters {
        var rng = SplitMix64(seed: seed, index: index)
        func jitter(_ color: FaceColor, _ amount: Float) -> FaceColor {
            FaceColor(min(1, max(0, color.r + rng.uniform(-amount...amount))),
                      min(1, max(0, color.g + rng.uniform(-amount...amount))),
                      min(1, max(0, color.b + rng.uniform(-amount...amount))))
        }
        let headWidth = rng.uniform(0.19...0.235)
        let headHeight = rng.uniform(0.255...0.295)
        let jaw = rng.uniform(0...1)
        let skin = jitter(rng.pick(skinTones), 0.025)
        let hairStyle = rng.pick(HairStyle.allCases)
        let anime = rng.chance(0.5)
        let hairColor = jitter(rng.pick(anime ? animeHair : naturalHair), 0.04)
        let fringe = rng.uniform(0...1)
        let hairPart = rng.uniform(-1...1)
        let eyeShape = rng.pick(EyeShape.allCases)
        let eyeSize = rng.uniform(0.82...1.22)
        let eyeSpacing = rng.uniform(0.076...0.097)
        let iris = jitter(rng.pick(irisColors), 0.04)
        let browThickness = rng.uniform(0.7...1.4)
        let browTilt = rng.uniform(-1...1)
        let mouth = rng.pick(MouthShape.allCases)
        let mouthWidth = rng.uniform(0.036...0.058)
        let lip = jitter(FaceColor(0.78, 0.36, 0.38).mixed(with: skin, rng.uniform(0.1...0.5)), 0.03)
        let yaw = rng.uniform(-1...1)
        let roll = rng.uniform(-0.14...0.14)
        let backgroundHue = rng.uniform(0...1)
        let backgroundTop = FaceColor.hsv(backgroundHue, rng.uniform(0.05...0.45), rng.uniform(0.55...0.97))
        let backgroundBottom = rng.chance(0.3) ? backgroundTop
            : FaceColor.hsv(backgroundHue + rng.uniform(-0.15...0.15), rng.uniform(0.05...0.5), rng.uniform(0.35...0.9))
        let shirt = FaceColor.hsv(rng.uniform(0...1), rng.uniform(0.1...0.8), rng.uniform(0.2...0.9))
        let blush = rng.uniform(0...1)
        return FaceParameters(
            headWidth: headWidth, headHeight: headHeight, jaw: jaw, skin: skin, hairStyle: hairStyle,
            hairColor: hairColor, animeHairColor: anime, fringe: fringe, hairPart: hairPart, eyeShape: eyeShape,
            eyeSize: eyeSize, eyeSpacing: eyeSpacing, irisColor: iris, browThickness: browThickness, browTilt: browTilt,
            mouth: mouth, mouthWidth: mouthWidth, lipColor: lip, yaw: yaw, roll: roll,
            backgroundTop: backgroundTop, backgroundBottom: backgroundBottom, shirt: shirt, blush: blush)
    }
}
