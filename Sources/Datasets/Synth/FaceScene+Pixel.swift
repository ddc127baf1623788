import Foundation

/// The per-pixel shader: layers are painted back to front, each as a signed distance turned into
/// coverage, so the cost is a few dozen distance evaluations a pixel and edges come out smooth.
extension FaceScene {
    /// The colour at frame point (`px`, `py`), both in -0.5...0.5.
    func color(_ px: Float, _ py: Float) -> FaceColor {
        var c = background(px, py)
        // Head-local coordinates: undo the roll about the neck.
        let (rx, ry) = Shapes.rotate(px - pivotX, py - pivotY, cos: cosRoll, sin: -sinRoll)
        let x = rx + pivotX, y = ry + pivotY

        let body = shirtDistance(px, py)
        shirtLayer(&c, px, py, body)
        if face.hairStyle != .bald {
            let back = backHair(x, y)
            if back < soft + line {
                paintOutlined(&c, back, style == .flat ? hair : hairShadow.mixed(with: hair, style == .shaded ? 0.3 : 0), hairLine)
                if style == .shaded { paint(&c, back, hairSheen(x, y, base: hairShadow), alpha: 1) }
            }
            ties(&c, x, y)
        }
        neck(&c, px, py, body)
        ears(&c, x, y)

        let head = headDistance(x, y)
        if head < soft + line {
            paintOutlined(&c, head, skinColor(x, y), skinLine)
            if head < soft {
                faceFeatures(&c, x, y)
            }
        }
        if face.hairStyle != .bald {
            let front = frontHair(x, y)
            if front < soft + line {
                paintOutlined(&c, front, hairColor(x, y), hairLine)
                hairHighlight(&c, x, y, hair: front)
            }
        }
        brows(&c, x, y)
        return c
    }

    // MARK: Painting

    @inline(__always)
    func coverage(_ d: Float, soft ramp: Float) -> Float {
        min(max(0.5 - d / ramp, 0), 1)
    }

    @inline(__always)
    func paint(_ c: inout FaceColor, _ d: Float, _ fill: FaceColor, alpha: Float = 1, blur: Float = 1) {
        let a = coverage(d, soft: soft * blur) * alpha
        if a > 0 { c = c.mixed(with: fill, a) }
    }

    /// Fill with an outline of width `line` around it (none in the shaded style).
    @inline(__always)
    func paintOutlined(_ c: inout FaceColor, _ d: Float, _ fill: FaceColor, _ outline: FaceColor) {
        if line > 0 { paint(&c, d - line, outline) }
        paint(&c, d, fill)
    }

    /// Lambert term on an ellipsoid bulging towards the viewer over the ellipse (u, v in radii).
    @inline(__always)
    func lambert(_ u: Float, _ v: Float) -> Float {
        let r2 = u * u + v * v
        let nz = max(0, 1 - r2).squareRoot()
        let length = max(1, r2.squareRoot())
        return max(0, (u * Self.light.x + v * Self.light.y + nz * Self.light.z) / length)
    }

    // MARK: Background, body

    func background(_ px: Float, _ py: Float) -> FaceColor {
        switch style {
        case .flat:
            return face.backgroundTop
        case .anime:
            return face.backgroundTop.mixed(with: face.backgroundBottom, py + 0.5)
        case .shaded:
            let vignette = 1 - 0.35 * (px * px + py * py)
            return face.backgroundTop.mixed(with: face.backgroundBottom, Shapes.smoothstep(-0.5, 0.5, py)).scaled(vignette)
        }
    }

    /// The shoulders, with a hole at the neckline.
    func shirtDistance(_ px: Float, _ py: Float) -> Float {
        guard py > hc + hh * 0.4 else { return .infinity }
        return max(Shapes.ellipse(px, py - 0.62, 0.42, 0.26), -Shapes.ellipse(px - hx * 0.5, py - 0.36, hw * 0.55, 0.055))
    }

    func shirtLayer(_ c: inout FaceColor, _ px: Float, _ py: Float, _ body: Float) {
        guard body < soft + line else { return }
        var tone = shirt
        if style == .shaded { tone = shirt.scaled(0.75 + 0.4 * Shapes.smoothstep(0.3, -0.4, px)) }
        if style == .anime, px > 0.12 { tone = shirt.scaled(0.8) }
        paintOutlined(&c, body, tone, shirtLine)
    }

    /// The neck, drawn over hair that falls behind it but never over the shirt.
    func neck(_ c: inout FaceColor, _ px: Float, _ py: Float, _ body: Float) {
        guard py > hc + hh * 0.4 else { return }
        let neckTop = hc + hh * 0.5
        let neck = max(Shapes.box(px - hx * 0.5, py - (neckTop + 0.25), hw * 0.44, 0.25, 0.02), -body)
        guard neck < soft + line else { return }
        var tone = skin
        switch style {
        case .shaded: tone = skin.scaled(0.78 + 0.25 * Shapes.smoothstep(hc + hh, 0.5, py))
        case .anime: tone = skinShadow
        case .flat: break
        }
        paintOutlined(&c, neck, tone, skinLine)
        if style == .anime {
            // A lit strip lower on the neck below the chin's cast shadow.
            let lit = max(neck, -(py - (hc + hh + 0.045 + 0.02 * abs(px - hx) / hw)))
            paint(&c, lit, skin)
        }
    }

    func ears(_ c: inout FaceColor, _ x: Float, _ y: Float) {
        guard abs(y - (eyeY + 0.025)) < 0.07 else { return }
        for side: Float in [-1, 1] {
            let ex = hx - shift * 0.35 + side * hw * 0.96
            let d = Shapes.ellipse(x - ex, y - (eyeY + 0.028), 0.026, 0.042)
            if d < soft + line {
                paintOutlined(&c, d, style == .flat ? skin : skinShadow.mixed(with: skin, 0.4), skinLine)
            }
        }
    }

    // MARK: Head and skin

    func headDistance(_ x: Float, _ y: Float) -> Float {
        let dy = y - hc
        let t = max(0, dy / hh)
        let width = hw * (1 - jawNarrow * t * t)
        return Shapes.ellipse(x - hx, dy, width, hh)
    }

    func skinColor(_ x: Float, _ y: Float) -> FaceColor {
        let u = (x - hx - shift * 0.5) / hw, v = (y - hc) / hh
        switch style {
        case .flat:
            return skin
        case .shaded:
            var tone = skin.scaled(0.58 + 0.52 * lambert(u, v))
            // Under the fringe the hair casts a soft shadow.
            if face.hairStyle != .bald {
                let cast = frontHair(x, y - 0.03)
                tone = tone.mixed(with: skinShadow.scaled(0.85), 0.45 * coverage(cast, soft: 0.03))
            }
            return tone
        case .anime:
            var tone = skin
            // A crescent of shadow on the side away from the light.
            let shade = Shapes.smoothstep(0.74, 0.78, u + 0.3 * max(v, 0) - 0.1 * (1 - u * u))
            if shade > 0 { tone = tone.mixed(with: skinShadow, shade) }
            if face.hairStyle != .bald {
                let cast = frontHair(x - 0.01, y - 0.022)
                let a = coverage(cast, soft: soft)
                if a > 0 { tone = tone.mixed(with: skinShadow, a) }
            }
            return tone
        }
    }

    // MARK: Hair

    func backHair(_ x: Float, _ y: Float) -> Float {
        let cap = Shapes.ellipse(x - capX, y - capY, capRx, capRy)
        switch face.hairStyle {
        case .bald:
            return .infinity
        case .short:
            return max(cap, y - (eyeY + 0.01))
        case .spiky:
            return max(spikyCap(x, y), y - (eyeY + 0.01))
        case .bob:
            let bob = Shapes.ellipse(x - capX, y - (hc - hh * 0.02), hw * 1.32, hh * 1.08)
            return max(bob, y - (hc + hh * 0.74))
        case .long:
            let top = Shapes.ellipse(x - capX, y - (hc - hh * 0.05), hw * 1.26, hh * 1.05)
            let fall = Shapes.box(x - capX, y - (hc + 0.3), hw * 1.24, 0.32, 0.07)
            return min(top, fall)
        case .twinTails:
            var d = max(cap, y - (eyeY + 0.01))
            for side: Float in [-1, 1] {
                // Tails hang from the ties and taper to a point.
                let (tx, ty) = Shapes.rotate(x - (capX + side * hw * 1.42), y - (hc + hh * 0.5), cos: 0.95, sin: side * 0.3)
                let t = min(max(ty / (hh * 0.95), -1), 1)
                d = min(d, Shapes.ellipse(tx, ty, 0.06 * (1.05 - 0.45 * (t + 1) / 2), hh * 0.95))
            }
            return d
        case .ponytail:
            let side: Float = face.hairPart < 0 ? 1 : -1
            let (tx, ty) = Shapes.rotate(x - (capX + side * hw * 1.12), y - (hc + hh * 0.4), cos: 0.95, sin: side * 0.3)
            return min(max(cap, y - (eyeY + 0.01)), Shapes.ellipse(tx, ty, 0.058, hh * 0.72))
        }
    }

    /// Hair ties on twin tails, in the shirt's colour.
    func ties(_ c: inout FaceColor, _ x: Float, _ y: Float) {
        guard face.hairStyle == .twinTails else { return }
        for side: Float in [-1, 1] {
            let d = Shapes.ellipse(x - (capX + side * hw * 1.14), y - (hc - hh * 0.18), 0.022, 0.022)
            if d < soft + line { paintOutlined(&c, d, shirt.mixed(with: FaceColor(1, 0.3, 0.4), 0.4), shirtLine) }
        }
    }

    func spikyCap(_ x: Float, _ y: Float) -> Float {
        let u = (x - capX) / capRx, v = (y - capY) / capRy
        let k = (u * u + v * v).squareRoot()
        let angle = atan2(u, -v)   // 0 at the crown
        let spikes = abs(angle) < 2.1 ? 0.3 * Shapes.triangle(angle * 1.35 + 0.5 + face.hairPart * 0.3) : 0
        return (k - 1.02 - spikes) * capRy * 0.8
    }

    /// Where the fringe ends at `x`: lower at the sides, raised at the parting, cut into strands.
    func fringe(_ x: Float) -> Float {
        let u = min(max((x - fringeCentre) / hw, -1.6), 1.6)
        let u2 = u * u
        var f = fringeBase + sideDrop * u2 * u2 + 0.1 * hh * face.hairPart * u
        if face.hairStyle != .spiky {
            let p = (u - face.hairPart * 0.45) / 0.22
            f -= 0.16 * hh * exp(-p * p)
        }
        let s = Shapes.triangle((u - 0.13 * face.hairPart) * strandCount)
        return f + strandAmplitude * s * s
    }

    func frontHair(_ x: Float, _ y: Float) -> Float {
        let cap: Float = switch face.hairStyle {
        case .bob, .long: Shapes.ellipse(x - capX, y - (hc - hh * 0.02), hw * 1.13, hh * 1.06)
        case .spiky: spikyCap(x, y)
        default: Shapes.ellipse(x - capX, y - capY, capRx, capRy)
        }
        if cap > soft + line { return cap }
        let h: Float = 0.002
        let slope = (fringe(x + h) - fringe(x - h)) / (2 * h)
        let edge = (y - fringe(x)) / (1 + slope * slope).squareRoot()
        var d = max(cap, edge)
        if face.hairStyle == .long {
            for side: Float in [-1, 1] {
                d = min(d, Shapes.ellipse(x - (capX + side * hw * 0.97), y - (hc + hh * 0.62), 0.04, hh * 0.8))
            }
        }
        return d
    }

    func hairColor(_ x: Float, _ y: Float) -> FaceColor {
        let u = (x - capX) / capRx, v = (y - capY) / capRy
        switch style {
        case .flat:
            return hair
        case .shaded:
            return hairSheen(x, y, base: hair.scaled(0.5 + 0.62 * lambert(u, v * 0.9)))
        case .anime:
            let shade = 1 - Shapes.smoothstep(0.3, 0.34, lambert(u, v))
            let lowered = Shapes.smoothstep(0.15, 0.2, v) * 0.7
            return hair.mixed(with: hairShadow, max(shade, lowered))
        }
    }

    /// The soft shine band across the top of the head (shaded style).
    func hairSheen(_ x: Float, _ y: Float, base: FaceColor) -> FaceColor {
        let u = (x - capX - 0.02) / capRx, v = (y - capY) / capRy
        let k = (u * u + v * v).squareRoot()
        guard v < 0 else { return base }
        let band = exp(-pow((k - 0.72) / 0.09, 2)) * Shapes.smoothstep(0, -0.5, v)
        return base.mixed(with: hairLight, 0.55 * band)
    }

    /// The anime style's jagged highlight band, inside the hair.
    func hairHighlight(_ c: inout FaceColor, _ x: Float, _ y: Float, hair front: Float) {
        guard style == .anime else { return }
        let u = (x - capX) / capRx, v = (y - capY) / capRy
        guard v < -0.1 else { return }
        let k = (u * u + v * v).squareRoot()
        let angle = atan2(u, -v)
        let zig = Shapes.triangle(angle * 2.2 + 0.3)
        let band = (abs(k - 0.74) - 0.035 - 0.05 * zig) * capRy
        let d = max(max(band, front), (v + 0.25 + 0.2 * abs(u)) * capRy)
        paint(&c, d, hairLight)
    }

    // MARK: Face

    func faceFeatures(_ c: inout FaceColor, _ x: Float, _ y: Float) {
        blush(&c, x, y)
        nose(&c, x, y)
        mouth(&c, x, y)
        if abs(y - eyeY) < eyeRy * 1.6 + 0.01 {
            eye(&c, x, y, side: -1, centreX: eyeX.0, rx: eyeRx.0)
            eye(&c, x, y, side: 1, centreX: eyeX.1, rx: eyeRx.1)
        }
    }

    func blush(_ c: inout FaceColor, _ x: Float, _ y: Float) {
        let strength: Float = switch style {
        case .shaded: 0.22
        case .flat: 0
        case .anime: 0.5
        }
        guard strength > 0, face.blush > 0.35 else { return }
        let cy = eyeY + eyeRy + 0.04
        guard abs(y - cy) < 0.04 else { return }
        let pink = FaceColor(0.96, 0.45, 0.5)
        for centre in [eyeX.0 - 0.01, eyeX.1 + 0.01] {
            let dx = (x - centre) / 0.032, dy = (y - cy) / 0.016
            let r2 = dx * dx + dy * dy
            if r2 < 4 {
                let a = strength * (face.blush - 0.35) / 0.65 * exp(-r2 * 1.2)
                c = c.mixed(with: pink, a)
            }
        }
    }

    func nose(_ c: inout FaceColor, _ x: Float, _ y: Float) {
        let dx = x - noseX, dy = y - noseY
        guard abs(dx) < 0.05, abs(dy) < 0.07 else { return }
        switch style {
        case .shaded:
            // The side away from the light, and the nostrils.
            paint(&c, Shapes.ellipse(dx - 0.014, dy + 0.028, 0.011, 0.042), skinShadow.scaled(0.9), alpha: 0.35, blur: 6)
            paint(&c, Shapes.ellipse(dx, dy + 0.004, 0.022, 0.012), skinShadow, alpha: 0.3, blur: 4)
            for side: Float in [-1, 1] {
                paint(&c, Shapes.ellipse(dx - side * 0.011, dy + 0.004, 0.0065, 0.0038), skinShadow.scaled(0.55), alpha: 0.55, blur: 1.5)
            }
        case .flat:
            paint(&c, Shapes.curve(dx, dy - 0.002, a: 30, b: 0, length: 0.011, t: line * 0.5, taper: 0.5), skinLine)
        case .anime:
            paint(&c, Shapes.curve(dx - 0.004, dy, a: 0, b: 0, length: 0.004, t: line * 0.45, taper: 0.5), skinLine, alpha: 0.7)
        }
    }

    func mouth(_ c: inout FaceColor, _ x: Float, _ y: Float) {
        let dx = x - mouthX, dy = y - mouthY
        guard abs(dx) < mouthW + 0.02, abs(dy) < mouthW + 0.02 else { return }
        // Corners rise for a smile; the lips follow the same bend.
        let bend: Float = face.mouth == .smile ? -0.014 / (mouthW * mouthW) * (style == .anime ? 0.8 : 1) : -1.5
        switch face.mouth {
        case .open:
            let (rx, ry) = (mouthW * 0.72, mouthW * (style == .anime ? 0.7 : 0.5))
            var inside = Shapes.ellipse(dx, dy - ry * 0.2, rx, ry)
            if style == .anime { inside = max(inside, -(dy + ry * 0.1)) }
            if style == .shaded {
                paint(&c, inside - 0.006, lips, alpha: 0.9)
            }
            paintOutlined(&c, inside, mouthInside, mouthLine)
            let tongue = max(Shapes.ellipse(dx, dy - ry * 0.75, rx * 0.7, ry * 0.55), inside)
            paint(&c, tongue, FaceColor(0.85, 0.4, 0.42))
            if style != .anime {
                let teeth = max(inside + 0.0015, dy - ry * 0.2 + ry * 0.55)
                paint(&c, teeth, FaceColor(0.97, 0.95, 0.92))
            }
        case .neutral, .smile:
            let curveY = dy - bend * dx * dx
            if style == .shaded {
                paint(&c, Shapes.ellipse(dx, curveY + 0.006, mouthW * 0.95, 0.0075), lips, alpha: 0.85, blur: 1.5)
                paint(&c, Shapes.ellipse(dx, curveY - 0.009, mouthW * 0.78, 0.011), lips.scaled(1.08), alpha: 0.85, blur: 1.5)
                paint(&c, Shapes.curve(dx, dy, a: bend, b: 0, length: mouthW, t: 0.0022, taper: 0.4), mouthLine, alpha: 0.9)
            } else {
                let t: Float = style == .flat ? line * 0.55 : line * 0.5
                paint(&c, Shapes.curve(dx, dy, a: bend, b: 0, length: mouthW, t: t, taper: 0.3), mouthLine)
            }
        }
    }

    func eye(_ c: inout FaceColor, _ x: Float, _ y: Float, side: Float, centreX: Float, rx: Float) {
        let wx = x - centreX, wy = y - eyeY
        guard abs(wx) < rx + 0.015 else { return }
        // Mirror so +lx points away from the nose, then tilt the outer corner up.
        let (lx, ly) = Shapes.rotate(wx * side, wy, cos: eyeCos, sin: eyeSin)
        let ry = eyeRy
        let white = Shapes.ellipse(lx, ly, rx, ry)
        if white > soft + 0.012 { return }
        if style == .shaded {
            // Socket shadow and lid crease.
            paint(&c, Shapes.ellipse(lx, ly + ry * 0.5, rx * 1.35, ry * 1.6), skinShadow, alpha: 0.3, blur: 5)
        }
        if style == .flat { paint(&c, white - line, eyeLine) }
        var scleraTone = sclera
        if style != .flat {
            scleraTone = sclera.mixed(with: FaceColor(0.7, 0.72, 0.8), 0.45 * Shapes.smoothstep(0, -ry, ly))
        }
        paint(&c, white, scleraTone)

        // Iris and pupil, in unmirrored coordinates so highlights sit on the lit side of both eyes.
        let gaze = -face.yaw * rx * 0.15
        let (irx, iry, icy): (Float, Float, Float) = style == .anime
            ? (rx * 0.64, ry * 0.86, ry * 0.12)
            : (min(rx * 0.55, ry * 1.05), min(rx * 0.55, ry * 1.05), 0)
        let ix = wx - gaze, iy = wy - icy
        let irisD = max(Shapes.ellipse(ix, iy, irx, iry), white)
        if irisD < soft {
            var tone = iris
            switch style {
            case .anime:
                tone = irisDark.mixed(with: iris.mixed(with: FaceColor(1, 1, 1), 0.2), Shapes.smoothstep(-iry * 0.7, iry * 0.8, iy))
            case .shaded:
                let r = (ix * ix + iy * iy).squareRoot() / irx
                tone = iris.mixed(with: irisDark, Shapes.smoothstep(0.55, 1, r))
            case .flat: break
            }
            if style == .anime { paint(&c, irisD + line * 0.5, tone); paint(&c, max(irisD, -(irisD + line * 0.5)), irisDark) }
            else { paint(&c, irisD, tone) }
            let pupilD = max(Shapes.ellipse(ix, iy, irx * 0.45, iry * (style == .anime ? 0.5 : 0.45)), white)
            paint(&c, pupilD, pupil)
            // Highlights: the anime style's large glossy pair, a dot otherwise.
            let glint: Float = style == .anime ? 0.3 : 0.2
            let h1 = Shapes.ellipse(ix + irx * 0.36, iy + iry * 0.38, irx * glint, iry * glint * (style == .anime ? 0.85 : 1))
            paint(&c, max(h1, white), FaceColor(1, 1, 1), alpha: style == .shaded ? 0.8 : 1)
            if style == .anime {
                let h2 = Shapes.ellipse(ix - irx * 0.32, iy - iry * 0.45, irx * 0.14, iry * 0.11)
                paint(&c, max(h2, white), FaceColor(1, 1, 1), alpha: 0.9)
            }
        }
        // Upper lid and lashes: a stroke along the top of the eye, heavier in the anime style.
        let t: Float = switch style {
        case .shaded: 0.0035
        case .flat: line * 0.75
        case .anime: max(line * 1.3, 0.0085)
        }
        let lid = max(abs(white) - t, ly + ry * 0.3)
        paint(&c, lid, eyeLine, alpha: style == .shaded ? 0.85 : 1)
        if style == .anime {
            // A short wing past the outer corner.
            let wing = Shapes.curve(lx - rx * 0.95, ly + ry * 0.25, a: 0, b: 0, length: rx * 0.22, t: t * 0.7, taper: 0.6)
            paint(&c, wing, eyeLine)
        }
    }

    func brows(_ c: inout FaceColor, _ x: Float, _ y: Float) {
        guard abs(y - browY) < 0.04 else { return }
        for (side, centre) in [(Float(-1), eyeX.0), (Float(1), eyeX.1)] {
            let lx = (x - centre - side * 0.004) * side, ly = y - browY
            guard abs(lx) < 0.06 else { continue }
            let slope = face.browTilt * 0.22
            let t: Float = (style == .anime ? 0.0032 : 0.0042) * face.browThickness
            let d = Shapes.curve(lx, ly - slope * lx, a: 7, b: 0, length: 0.034, t: max(t, style == .shaded ? 0 : line * 0.45), taper: 0.55)
            paint(&c, d, browColor, alpha: style == .shaded ? 0.85 : 1, blur: style == .shaded ? 1.3 : 1)
        }
    }
}
