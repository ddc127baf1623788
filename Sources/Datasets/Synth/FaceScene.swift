import Foundation

/// One face laid out for one style and resolution: every length and colour the per-pixel shader
/// needs, computed once. Geometry comes from the parameters alone (so every style draws the same
/// person); the style changes only proportions of the features, colours, shading and outlines.
struct FaceScene {
    let face: FaceParameters
    let style: FaceStyle
    /// Anti-aliasing ramp and outline width, frame units.
    let soft: Float
    let line: Float

    // Pose: the head turns about the neck by `roll`; features shift sideways with yaw.
    let pivotX: Float, pivotY: Float, cosRoll: Float, sinRoll: Float
    let shift: Float

    // Head.
    let hx: Float, hc: Float, hw: Float, hh: Float, jawNarrow: Float

    // Hair.
    let capX: Float, capY: Float, capRx: Float, capRy: Float
    let fringeBase: Float, sideDrop: Float, strandAmplitude: Float, strandCount: Float, fringeCentre: Float

    // Features.
    let eyeY: Float, eyeX: (Float, Float), eyeRx: (Float, Float), eyeRy: Float
    let eyeCos: Float, eyeSin: Float
    let browY: Float
    let noseX: Float, noseY: Float
    let mouthX: Float, mouthY: Float, mouthW: Float

    // Colours.
    let skin: FaceColor, skinShadow: FaceColor, skinLine: FaceColor
    let hair: FaceColor, hairShadow: FaceColor, hairLight: FaceColor, hairLine: FaceColor, browColor: FaceColor
    let sclera: FaceColor, iris: FaceColor, irisDark: FaceColor, pupil: FaceColor, eyeLine: FaceColor
    let mouthInside: FaceColor, lips: FaceColor, mouthLine: FaceColor
    let shirt: FaceColor, shirtLine: FaceColor

    /// Light for shaded and cel-shaded surfaces: from the upper left, in front.
    static let light: (x: Float, y: Float, z: Float) = (-0.42, -0.52, 0.744)

    /// Frame units per image width: below 1, so the head with its hair fills about two thirds of
    /// the image, as in FFHQ-aligned crops.
    static let zoom: Float = 0.84

    init(_ face: FaceParameters, style: FaceStyle, resolution: Int) {
        self.face = face
        self.style = style
        let pixel = Self.zoom / Float(resolution)
        soft = style == .shaded ? 1.35 * pixel : pixel
        line = switch style {
        case .shaded: 0
        case .flat: max(0.0105, 0.85 * pixel)
        case .anime: max(0.0068, 0.7 * pixel)
        }

        hw = face.headWidth
        hh = face.headHeight
        hc = -0.012
        shift = face.yaw * 0.032
        hx = face.yaw * 0.01
        jawNarrow = 0.12 + 0.3 * face.jaw
        pivotX = 0
        pivotY = hc + hh * 0.9
        cosRoll = cos(face.roll)
        sinRoll = sin(face.roll)

        // Hair volume sits a little above and around the skull.
        capX = hx + shift * 0.3
        capY = hc - hh * 0.1
        capRx = hw * 1.12
        capRy = hh * 0.99
        fringeBase = hc - hh * (0.64 - 0.38 * face.fringe)
        sideDrop = switch face.hairStyle {
        case .short: hh * 0.5
        case .bob: hh * 1.25
        case .long: hh * 1.35
        case .spiky: hh * 0.55
        case .twinTails: hh * 0.9
        case .ponytail: hh * 0.7
        case .bald: 0
        }
        let strands: Float = switch style {
        case .shaded: hh * 0.04
        case .flat: hh * 0.08
        case .anime: hh * 0.16
        }
        strandAmplitude = face.hairStyle == .spiky ? hh * 0.26 : strands
        strandCount = face.hairStyle == .spiky ? 3.2 : 3.8
        fringeCentre = hx + shift * 0.6

        // Features.
        eyeY = hc + hh * 0.06
        let baseRx = 0.034 * face.eyeSize
        let ratio: Float = switch face.eyeShape {
        case .round: 0.8
        case .almond: 0.6
        case .narrow: 0.44
        }
        let tilt: Float = switch face.eyeShape {
        case .round: 0
        case .almond: 0.14
        case .narrow: 0.2
        }
        let (rxScale, ryScale, tiltScale): (Float, Float, Float) = switch style {
        case .shaded: (0.92, 0.92, 1)
        case .flat: (1.0, 1.1, 1)
        case .anime: (1.3, 1.3 * 1.55 / (0.5 + ratio * 0.6), 0.5)
        }
        let rx = baseRx * rxScale
        eyeRy = baseRx * ratio * ryScale
        eyeCos = cos(tilt * tiltScale)
        eyeSin = sin(tilt * tiltScale)
        // The eye on the far side of a turned head narrows.
        eyeRx = (rx * (1 - 0.22 * max(0, -face.yaw)), rx * (1 - 0.22 * max(0, face.yaw)))
        eyeX = (hx + shift - face.eyeSpacing, hx + shift + face.eyeSpacing)
        browY = eyeY - eyeRy - (style == .anime ? 0.026 : 0.024)
        noseX = hx + shift * 1.15
        noseY = hc + hh * 0.36
        mouthX = hx + shift
        mouthY = hc + hh * 0.62
        mouthW = face.mouthWidth * (style == .anime ? 0.55 : 1)

        // Colours.
        let anime = style == .anime
        skin = anime ? face.skin.mixed(with: FaceColor(1, 0.95, 0.92), 0.25) : face.skin
        skinShadow = FaceColor(skin.r * 0.86, skin.g * 0.74, skin.b * 0.76)
        skinLine = style == .flat ? FaceColor(0.12, 0.09, 0.09) : FaceColor(skin.r * 0.55, skin.g * 0.36, skin.b * 0.32)
        hair = face.hairColor
        hairShadow = FaceColor(hair.r * 0.72, hair.g * 0.7, hair.b * 0.78)
        hairLight = hair.mixed(with: FaceColor(1, 1, 1), anime ? 0.5 : 0.35)
        hairLine = style == .flat ? FaceColor(0.12, 0.09, 0.09) : hair.scaled(0.4).mixed(with: FaceColor(0.1, 0.06, 0.08), 0.5)
        let darkBrow = face.hairStyle == .bald ? FaceColor(0.25, 0.17, 0.12) : face.hairColor
        browColor = style == .flat ? FaceColor(0.12, 0.09, 0.09)
            : darkBrow.scaled(darkBrow.luma > 0.5 ? 0.6 : 0.7).mixed(with: FaceColor(0.15, 0.1, 0.08), 0.3)
        sclera = style == .shaded ? FaceColor(0.92, 0.9, 0.88) : FaceColor(1, 1, 1)
        iris = face.irisColor
        irisDark = iris.scaled(0.45)
        pupil = FaceColor(iris.r * 0.15 + 0.02, iris.g * 0.15 + 0.02, iris.b * 0.15 + 0.03)
        eyeLine = style == .flat ? FaceColor(0.1, 0.08, 0.08) : FaceColor(0.16, 0.1, 0.1)
        mouthInside = FaceColor(0.42, 0.1, 0.12)
        lips = face.lipColor
        mouthLine = switch style {
        case .shaded: face.lipColor.scaled(0.5)
        case .flat: FaceColor(0.12, 0.09, 0.09)
        case .anime: FaceColor(skin.r * 0.45, skin.g * 0.25, skin.b * 0.25)
        }
        shirt = face.shirt
        shirtLine = style == .flat ? FaceColor(0.12, 0.09, 0.09) : face.shirt.scaled(0.45)
    }
}
