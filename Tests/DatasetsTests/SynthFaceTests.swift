import Foundation
import Testing
import ToonIO
@testable import Datasets
import ToonTestSupport

@Suite("Synthetic faces", .computeFromEnvironment)
struct SynthFaceTests {
    @Test("the same seed and index give the same parameters and the same pixels, in every style", arguments: FaceStyle.allCases)
    func deterministic(style: FaceStyle) {
        for index in [0, 1, 999] {
            let a = FaceParameters.sample(seed: 42, index: index), b = FaceParameters.sample(seed: 42, index: index)
            #expect(a == b)
            #expect(FaceRenderer.render(a, style: style, resolution: 32) == FaceRenderer.render(b, style: style, resolution: 32))
        }
    }

    @Test("different seeds and indices give different people")
    func varied() {
        let faces = (0..<64).map { FaceParameters.sample(seed: 7, index: $0) }
        #expect(Set(faces.map(\.hairStyle)).count == FaceParameters.HairStyle.allCases.count)
        #expect(Set(faces.map(\.mouth)).count == FaceParameters.MouthShape.allCases.count)
        #expect(faces.contains { $0.animeHairColor } && faces.contains { !$0.animeHairColor })
        #expect(FaceParameters.sample(seed: 7, index: 0) != FaceParameters.sample(seed: 8, index: 0))
        #expect(FaceParameters.sample(seed: 7, index: 0) != FaceParameters.sample(seed: 7, index: 1))
    }

    @Test("parameters survive a JSON round trip")
    func codable() throws {
        let face = FaceParameters.sample(seed: 3, index: 5)
        let decoded = try JSONDecoder().decode(FaceParameters.self, from: JSONEncoder().encode(face))
        #expect(decoded == face)
    }

    @Test("renders are RGB, the requested size, samples in 0...1", arguments: [8, 32, 64, 128])
    func shape(resolution: Int) {
        let image = FaceRenderer.render(FaceParameters.sample(seed: 1, index: 2), style: .anime, resolution: resolution)
        #expect(image.width == resolution && image.height == resolution && image.channels == 3)
        #expect(image.samples.allSatisfy { (0...1).contains($0) })
    }

    /// Pixels that are not background: the person's silhouette in that style.
    private func silhouette(_ face: FaceParameters, _ style: FaceStyle, resolution: Int = 64) -> [Bool] {
        let image = FaceRenderer.render(face, style: style, resolution: resolution)
        let scene = FaceScene(face, style: style, resolution: resolution)
        let plane = resolution * resolution
        return (0..<plane).map { i in
            let px = ((Float(i % resolution) + 0.5) / Float(resolution) - 0.5) * FaceScene.zoom
            let py = ((Float(i / resolution) + 0.5) / Float(resolution) - 0.5) * FaceScene.zoom
            let bg = scene.background(px, py)
            let d = abs(image.samples[i] - bg.r) + abs(image.samples[plane + i] - bg.g) + abs(image.samples[2 * plane + i] - bg.b)
            return d > 0.08
        }
    }

    private func overlap(_ a: [Bool], _ b: [Bool]) -> Double {
        let both = zip(a, b).filter { $0 && $1 }.count, either = zip(a, b).filter { $0 || $1 }.count
        return Double(both) / Double(max(either, 1))
    }

    @Test("one set of parameters is the same person in every style: other pixels, the same silhouette")
    func samePersonAcrossStyles() {
        for index in 0..<12 {
            let face = FaceParameters.sample(seed: 11, index: index)
            let other = FaceParameters.sample(seed: 11, index: index + 100)
            let shapes = FaceStyle.allCases.map { silhouette(face, $0) }
            let images = FaceStyle.allCases.map { FaceRenderer.render(face, style: $0, resolution: 64) }
            #expect(images[0] != images[1] && images[1] != images[2] && images[0] != images[2])
            for i in 0..<3 {
                for j in (i + 1)..<3 {
                    #expect(overlap(shapes[i], shapes[j]) > 0.8, "face \(index): \(FaceStyle.allCases[i]) vs \(FaceStyle.allCases[j])")
                }
            }
            // Another person differs more than the same person in another style.
            let otherShape = silhouette(other, .flat)
            #expect(overlap(shapes[1], otherShape) < overlap(shapes[1], shapes[2]), "face \(index)")
        }
    }

    @Test("labels have the documented length, one-hot groups and ranges")
    func labels() {
        #expect(FaceRenderer.labelNames.count == FaceRenderer.labelDimension)
        for index in 0..<200 {
            let face = FaceParameters.sample(seed: 5, index: index)
            let labels = FaceRenderer.labels(for: face)
            #expect(labels.count == FaceRenderer.labelDimension)
            #expect(labels[0..<7].reduce(0, +) == 1 && labels[face.hairStyle.rawValue] == 1)
            #expect(labels[14..<17].reduce(0, +) == 1 && labels[22..<25].reduce(0, +) == 1)
            #expect(labels.allSatisfy { $0.isFinite && $0 >= -1 && $0 <= 1 })
            #expect(labels[7] == face.hairColor.r && labels[25] == face.yaw)
        }
    }

    @Test("a face's hair colour is drawn above the forehead, its skin between the eyes")
    func colorsLandWhereExpected() {
        var face = FaceParameters.sample(seed: 2, index: 0)
        face.hairStyle = .short
        face.fringe = 0
        face.yaw = 0
        face.roll = 0
        let image = FaceRenderer.render(face, style: .flat, resolution: 64)
        func color(_ x: Int, _ y: Int) -> (Float, Float, Float) {
            (image.sample(channel: 0, x: x, y: y), image.sample(channel: 1, x: x, y: y), image.sample(channel: 2, x: x, y: y))
        }
        // Frame point (0, -0.25) in scene units is the crown; (0, hc + 0.3 hh) the bridge of the nose.
        let crown = color(32, Int((0.5 - 0.25 / FaceScene.zoom) * 64))
        #expect(abs(crown.0 - face.hairColor.r) < 0.02 && abs(crown.1 - face.hairColor.g) < 0.02)
        let nose = color(32, Int((0.5 + (-0.012 + 0.2 * face.headHeight) / FaceScene.zoom) * 64))
        #expect(abs(nose.0 - face.skin.r) < 0.02 && abs(nose.2 - face.skin.b) < 0.02)
    }
}
