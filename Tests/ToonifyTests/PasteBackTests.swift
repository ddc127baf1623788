import Faces
import Foundation
import StyleGAN
import Testing
import ToonCore
import ToonIO
@testable import Toonify

@Suite("paste-back: the face quad, the mask, the composite")
struct PasteBackTests {
    /// A rotated, scaled square: the quad FFHQ alignment would give for a tilted face.
    static let quad: FaceQuad = {
        let (cx, cy, half, angle) = (40.0, 30.0, 16.0, 0.3)
        let (ex, ey) = (half * cos(angle), half * sin(angle)), (fx, fy) = (-ey, ex)
        return FaceQuad(topLeft: (cx - ex - fx, cy - ey - fy), bottomLeft: (cx - ex + fx, cy - ey + fy),
                        bottomRight: (cx + ex + fx, cy + ey + fy), topRight: (cx + ex - fx, cy + ey - fy))
    }()

    @Test("square and photo coordinates map back and forth")
    func quadRoundTrip() throws {
        for (u, v) in [(0.0, 0.0), (1.0, 1.0), (0.25, 0.75), (0.5, 0.5)] {
            let p = Self.quad.photoPoint(u: u, v: v)
            let back = try #require(Self.quad.squarePoint(x: p.x, y: p.y))
            #expect(abs(back.u - u) < 1e-12 && abs(back.v - v) < 1e-12)
        }
        let corner = Self.quad.photoPoint(u: 1, v: 1)
        #expect(abs(corner.x - Self.quad.bottomRight.x) < 1e-12 && abs(corner.y - Self.quad.bottomRight.y) < 1e-12)
        let flat = FaceQuad(topLeft: (0, 0), bottomLeft: (0, 0), bottomRight: (1, 1), topRight: (1, 1))
        #expect(flat.squarePoint(x: 0.5, y: 0.5) == nil)
    }

    @Test("a quad from an alignment maps each aligned pixel to the photo point the alignment names")
    func quadFromAlignment() {
        let transform = AlignmentTransform(origin: FacePoint(x: 10, y: 20), xStep: FacePoint(x: 0.5, y: 0.1),
                                           yStep: FacePoint(x: -0.1, y: 0.5))
        let quad = FaceQuad(transform, side: 64)
        for (x, y) in [(0.0, 0.0), (31.0, 40.0), (63.0, 63.0)] {
            let expected = transform.photoPoint(ofAligned: FacePoint(x: x, y: y))
            // The quad's coordinates put pixel edges at whole numbers, the alignment's pixel centres.
            let p = quad.photoPoint(u: (x + 0.5) / 64, v: (y + 0.5) / 64)
            #expect(abs(p.x - 0.5 - expected.x) < 1e-9 && abs(p.y - 0.5 - expected.y) < 1e-9)
        }
    }

    @Test("the mask is 1 at the face's centre, 0 outside the ellipse, and smooth between")
    func mask() {
        let paste = PasteBack()
        #expect(paste.weight(u: 0.5, v: 0.53) == 1)
        #expect(paste.weight(u: 0.02, v: 0.5) == 0 && paste.weight(u: 0.5, v: 0.99) == 0)
        let edge = paste.weight(u: 0.5 + 0.34 * 0.875, v: 0.53)
        #expect(edge > 0 && edge < 1)
    }

    @Test("the face lands inside its quad; the rest of the photo is untouched")
    func composite() {
        let photo = Image(width: 80, height: 60, channels: 3, repeating: 0.2)
        let face = Image(width: 32, height: 32, channels: 3, samples: [Float](repeating: 0.9, count: 3 * 32 * 32))
        var paste = PasteBack()
        paste.colourMatch = 0
        let out = paste.composite(face, into: photo, quad: Self.quad)
        let centre = Self.quad.photoPoint(u: 0.5, v: 0.53)
        let at = Int(centre.y) * 80 + Int(centre.x)
        #expect(abs(out.samples[at] - 0.9) < 1e-6)
        #expect(out.samples[0] == 0.2 && out.samples[79] == 0.2 && out.samples[80 * 59] == 0.2)
        // With colour matching the flat photo's colour takes over the flat face's.
        paste.colourMatch = 1
        #expect(abs(paste.composite(face, into: photo, quad: Self.quad).samples[at] - 0.2) < 1e-6)
    }

    @Test("colour matching moves the face's mean and spread to the photo's under the mask")
    func colourShift() {
        let paste = PasteBack()
        let photo = Image(width: 2, height: 1, channels: 3, samples: [0.2, 0.4, 0.2, 0.4, 0.2, 0.4])
        let covered: [(index: Int, weight: Double, colour: [Double])] = [(0, 1, [0.5, 0.5, 0.5]), (1, 1, [0.9, 0.9, 0.9])]
        let shift = paste.colourShift(covered, photo: photo)
        #expect(shift.faceMean.allSatisfy { abs($0 - 0.7) < 1e-12 } && shift.photoMean.allSatisfy { abs($0 - 0.3) < 1e-6 })
        #expect(shift.scale.allSatisfy { abs($0 - 0.5) < 1e-6 })   // spread 0.1 against 0.2
    }
}

@Suite("Toonifier: projection on the base, drawing with the blend", .computeFromEnvironment)
struct ToonifierTests {
    @Test("degree 0 draws the base model's reconstruction; degree 1 differs from it")
    func degree() throws {
        let config = GeneratorConfig(zDim: 16, wDim: 16, imageResolution: 32, mappingLayers: 2, channelBase: 256, channelMax: 16)
        let base = try Generator(config: config, parameters: Generator.spec(config).initialize(seed: 1))
        var store = base.parameters
        for (name, tensor) in base.parameters.pairs where name.hasPrefix("synthesis.b32") && !name.hasSuffix(".noise_const") {
            store.update(name, to: tensor + 0.3)
        }
        let styled = try Generator(config: config, parameters: store)
        var projection = ProjectionSettings()
        projection.steps = 5
        projection.wAverageSamples = 50
        let face = base(z: Tensor.randomNormal(shape: [1, 16], seed: 3))
        let none = try Toonifier(base: base, styled: styled, blend: Blend.Settings(swapResolution: 16, degree: 0),
                                 objective: .pixelAndMultiScaleSSIM, projection: projection).toonify(face)
        #expect(none.cartoon.scalars == none.reconstruction.scalars)
        let full = try Toonifier(base: base, styled: styled, blend: Blend.Settings(swapResolution: 16, degree: 1),
                                 objective: .pixelAndMultiScaleSSIM, projection: projection).toonify(face)
        #expect(full.ws.scalars == none.ws.scalars, "the projection does not depend on the degree")
        #expect(full.cartoon.scalars != full.reconstruction.scalars)
    }
}
