import Foundation
import Testing
import ToonCore
import ToonNN
@testable import StyleGAN
import ToonTestSupport

/// A reproducible stream of numbers in -1...1 (SplitMix64), so the matrices are the same on every run.
struct TestNumbers {
    var state: UInt64
    mutating func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 52) - 1
    }
    mutating func unitVector(_ n: Int) -> [Double] {
        let v = (0..<n).map { _ in next() }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / norm }
    }
}

@Suite("Symmetric eigensolver (cyclic Jacobi)", .computeFromEnvironment)
struct SymmetricEigenTests {
    static func randomSymmetric(_ n: Int, seed: UInt64) -> [Double] {
        var numbers = TestNumbers(state: seed)
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in i..<n { let v = numbers.next(); a[i * n + j] = v; a[j * n + i] = v } }
        return a
    }

    /// max |A - V diag(λ) Vᵀ| and max |V Vᵀ - I|.
    static func errors(_ a: [Double], _ e: SymmetricEigen) -> (reconstruction: Double, orthonormality: Double) {
        let n = e.size
        var reconstruction = 0.0, orthonormality = 0.0
        for i in 0..<n {
            for j in 0..<n {
                var sum = 0.0, dot = 0.0
                for k in 0..<n {
                    sum += e.vectors[k * n + i] * e.values[k] * e.vectors[k * n + j]
                    dot += e.vectors[i * n + k] * e.vectors[j * n + k]
                }
                reconstruction = max(reconstruction, abs(sum - a[i * n + j]))
                orthonormality = max(orthonormality, abs(dot - (i == j ? 1 : 0)))
            }
        }
        return (reconstruction, orthonormality)
    }

    @Test("a 2x2 matrix: eigenvalues 3 and 1 with (1, 1)/√2 and (1, -1)/√2")
    func twoByTwo() {
        let e = SymmetricEigen(symmetric: [2, 1, 1, 2], size: 2)
        #expect(abs(e.values[0] - 3) < 1e-14 && abs(e.values[1] - 1) < 1e-14)
        let r = 1 / 2.0.squareRoot()
        #expect(abs(abs(e.vector(0)[0]) - r) < 1e-14 && abs(e.vector(0)[0] - e.vector(0)[1]) < 1e-14)
        #expect(abs(e.vector(1)[0] + e.vector(1)[1]) < 1e-14)
    }

    @Test("a diagonal matrix comes back sorted, its eigenvectors the unit axes")
    func diagonal() {
        let d: [Double] = [0.5, -2, 7, 3]
        var a = [Double](repeating: 0, count: 16)
        for i in 0..<4 { a[i * 4 + i] = d[i] }
        let e = SymmetricEigen(symmetric: a, size: 4)
        #expect(e.values == [7, 3, 0.5, -2])
        for (row, axis) in [2, 3, 0, 1].enumerated() {
            #expect(abs(e.vector(row)[axis]) == 1)
        }
    }

    @Test("a known spectrum: Q diag(λ) Qᵀ gives λ back and Q's columns up to sign")
    func knownSpectrum() {
        let n = 12
        // Q from Gram-Schmidt on random vectors.
        var numbers = TestNumbers(state: 7)
        var q: [[Double]] = []
        while q.count < n {
            var v = (0..<n).map { _ in numbers.next() }
            for u in q { let d = zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }; v = zip(v, u).map { $0 - d * $1 } }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            q.append(v.map { $0 / norm })
        }
        let lambda = (0..<n).map { Double(n - $0) * 1.5 - 4 }  // 14 ... -2.5, distinct
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { a[i * n + j] = (0..<n).reduce(0) { $0 + q[$1][i] * lambda[$1] * q[$1][j] } } }
        let e = SymmetricEigen(symmetric: a, size: n)
        for k in 0..<n {
            #expect(abs(e.values[k] - lambda[k]) < 1e-12, "eigenvalue \(k)")
            let dot = zip(e.vector(k), q[k]).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(abs(dot) - 1) < 1e-12, "eigenvector \(k)")
        }
    }

    @Test("random symmetric matrices: A = V diag(λ) Vᵀ, V orthonormal, λ sorted, trace kept", arguments: [1, 3, 17, 64, 128])
    func randomMatrices(n: Int) {
        let a = Self.randomSymmetric(n, seed: UInt64(n))
        let e = SymmetricEigen(symmetric: a, size: n)
        let (reconstruction, orthonormality) = Self.errors(a, e)
        #expect(reconstruction < 1e-11, "reconstruction off by \(reconstruction)")
        #expect(orthonormality < 1e-12, "V Vᵀ off the identity by \(orthonormality)")
        #expect(zip(e.values, e.values.dropFirst()).allSatisfy { $0 >= $1 }, "eigenvalues not sorted")
        let trace = (0..<n).reduce(0) { $0 + a[$1 * n + $1] }
        #expect(abs(e.values.reduce(0, +) - trace) < 1e-11)
    }

    @Test("repeated eigenvalues (a rank-2 Gram matrix) still give an orthonormal basis")
    func repeatedEigenvalues() {
        let n = 20
        var numbers = TestNumbers(state: 99)
        let u = numbers.unitVector(n), v = numbers.unitVector(n)
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { a[i * n + j] = 5 * u[i] * u[j] + 2 * v[i] * v[j] } }
        let e = SymmetricEigen(symmetric: a, size: n)
        let (reconstruction, orthonormality) = Self.errors(a, e)
        #expect(reconstruction < 1e-12 && orthonormality < 1e-12)
        #expect(e.values.dropFirst(2).allSatisfy { abs($0) < 1e-12 }, "18 zero eigenvalues")
    }
}

@Suite("SeFa directions and latent edits", .computeFromEnvironment)
struct SeFaTests {
    /// 8x8 output, wDim 16: ws 0 b4.conv1 | 1 b4.torgb, b8.conv0 | 2 b8.conv1 | 3 b8.torgb.
    static let config = GeneratorConfig(zDim: 16, wDim: 16, imageResolution: 8, mappingLayers: 2,
                                        channelBase: 128, channelMax: 16)

    static func generator() throws -> Generator {
        try Generator(config: config, parameters: Generator.spec(config).initialize(seed: 3))
    }

    /// Sets each named affine weight to rows a_c · u + 0.05 · noise (a_c of either sign), so u is
    /// what those layers' styles follow.
    static func dominate(_ g: inout Generator, names: [String], by u: [Double], numbers: inout TestNumbers, scale: Float = 1) {
        for name in names {
            let shape = g.parameters[name].shape
            var values: [Float] = []
            for _ in 0..<shape[0] {
                let a = numbers.next() > 0 ? 1.0 + numbers.next() * 0.5 : -1.0 - numbers.next() * 0.5
                values += u.map { Float(a * $0 + 0.05 * numbers.next()) * scale }
            }
            g.parameters.update(name, to: Tensor(shape: shape, scalars: values))
        }
    }

    static func dot(_ t: Tensor, _ u: [Double]) -> Double { zip(t.scalars, u).reduce(0) { $0 + Double($1.0) * $1.1 } }

    @Test("the affines behind each w, conv and toRGB, in synthesis order")
    func affineNames() {
        let names = { SeFa.affineWeightNames(Self.config, layers: $0) }
        #expect(names([0]) == ["synthesis.b4.conv1.affine.weight"])
        #expect(names([1]) == ["synthesis.b4.torgb.affine.weight", "synthesis.b8.conv0.affine.weight"])
        #expect(names([2, 3]) == ["synthesis.b8.conv1.affine.weight", "synthesis.b8.torgb.affine.weight"])
        #expect(names(Array(0..<4)).count == 5)
    }

    @Test("recovers a dominant direction (up to sign) from the chosen layers only")
    func recoversDominantDirection() throws {
        var g = try Self.generator()
        var numbers = TestNumbers(state: 11)
        let u = numbers.unitVector(16)
        // A second direction, orthogonal to u, rules the fine layers.
        var v = numbers.unitVector(16)
        let d = zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }
        v = zip(v, u).map { $0 - d * $1 }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        v = v.map { $0 / norm }
        Self.dominate(&g, names: SeFa.affineWeightNames(Self.config, layers: [0, 1]), by: u, numbers: &numbers)
        Self.dominate(&g, names: SeFa.affineWeightNames(Self.config, layers: [2, 3]), by: v, numbers: &numbers)

        let coarse = try SeFa.directions(g, layers: [0, 1])
        #expect(coarse.layers == [0, 1])
        #expect(coarse.count == 16)
        #expect(abs(Self.dot(coarse.direction(0), u)) > 0.999, "coarse top direction is u")
        let fine = try SeFa.directions(g, layers: [3, 2])
        #expect(fine.layers == [2, 3])
        #expect(abs(Self.dot(fine.direction(0), v)) > 0.999, "fine top direction is v")
        for k in 0..<16 {
            let n = coarse.direction(k).scalars.reduce(0) { $0 + Double($1) * Double($1) }
            #expect(abs(n - 1) < 1e-5, "direction \(k) is a unit vector")
        }
        #expect(zip(coarse.eigenvalues, coarse.eigenvalues.dropFirst()).allSatisfy { $0 >= $1 })
    }

    @Test("a layer's gain does not change the directions: rows are normalised, as in genforce/sefa")
    func scaleInvariant() throws {
        var g = try Self.generator()
        let before = try SeFa.directions(g, layers: [0, 1, 2, 3])
        let name = "synthesis.b8.conv1.affine.weight"
        g.parameters.update(name, to: g.parameters[name] * 37)
        let after = try SeFa.directions(g, layers: [0, 1, 2, 3])
        for k in 0..<4 {
            #expect(abs(abs(Self.dot(after.direction(k), before.direction(k).scalars.map(Double.init))) - 1) < 1e-4)
        }
        #expect(zip(before.eigenvalues, after.eigenvalues).allSatisfy { abs($0 - $1) < 1e-6 * max(1, abs($0)) })
    }

    @Test("layers outside the network are refused")
    func badLayers() throws {
        let g = try Self.generator()
        #expect(throws: StyleGANError.editing(.layerOutOfRange(4, numWs: 4))) { try SeFa.directions(g, layers: [1, 4]) }
        #expect(throws: StyleGANError.editing(.noLayers)) { try SeFa.directions(g, layers: []) }
    }

    @Test("an edit moves only the chosen ws, by strength times the direction")
    func editsChosenWsOnly() throws {
        let g = try Self.generator()
        let ws = try g.ws(seeds: [1, 2], options: SamplingOptions())
        let direction = try SeFa.directions(g, layers: [1, 3]).direction(0)
        let edited = LatentEdit.apply(ws, direction: direction, strength: -2.5, layers: [1, 3])
        #expect(edited.shape == ws.shape)
        for n in 0..<2 {
            for layer in 0..<4 {
                let before = ws.slice(axis: 0, n..<(n + 1)).slice(axis: 1, layer..<(layer + 1)).scalars
                let after = edited.slice(axis: 0, n..<(n + 1)).slice(axis: 1, layer..<(layer + 1)).scalars
                if [1, 3].contains(layer) {
                    let expected = zip(before, direction.scalars).map { $0 + -2.5 * $1 }
                    #expect(zip(after, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "w \(layer) moved by -2.5 d")
                    #expect(after != before)
                } else {
                    #expect(after == before, "w \(layer) is left bit for bit")
                }
            }
        }
    }

    @Test("strength 0 renders the unedited image exactly; other strengths change it")
    func zeroStrengthIsIdentity() throws {
        let g = try Self.generator()
        let ws = try g.ws(seeds: [42], options: SamplingOptions(truncation: Truncation(psi: 0.7)))
        let direction = try SeFa.directions(g, layers: [0, 1, 2, 3]).direction(2)
        let strip = LatentEdit.strip(ws, direction: direction, strengths: [-3, 0, 3], layers: [0, 1, 2, 3])
        #expect(strip.shape == [3, 4, 16])
        // One image per call, as toon edit renders them (a batch may sum in another order).
        let cell = { (i: Int) in withoutGradients { g.synthesis(ws: strip.slice(axis: 0, i..<(i + 1))) }.scalars }
        let original = withoutGradients { g.synthesis(ws: ws) }
        #expect(cell(1) == original.scalars)
        #expect(cell(0) != original.scalars && cell(2) != original.scalars)
    }
}

@Suite("toon edit's option syntax and file names", .computeFromEnvironment)
struct EditRequestTests {
    @Test("directions: sefa:K, FILE.npy:K (last colon splits), and the labels in file names")
    func directions() throws {
        #expect(try DirectionChoice(parsing: "sefa:3") == .sefa(3))
        #expect(try DirectionChoice(parsing: "/a:b/smile dirs.npy:2") == .file("/a:b/smile dirs.npy", row: 2))
        #expect(DirectionChoice.sefa(3).label == "sefa3")
        #expect(DirectionChoice.file("/x/smile dirs.npy", row: 2).label == "smile-dirs2")
        for bad in ["sefa", "sefa:", "sefa:-1", "sefa:x", ":3", "sefa:1.5"] {
            #expect(throws: StyleGANError.self, "\(bad)") { try DirectionChoice(parsing: bad) }
        }
    }

    @Test("layers: all, a w, a range A-B; checked against the network's ws")
    func layers() throws {
        #expect(try LayerSelection(parsing: "all").layers(numWs: 4) == [0, 1, 2, 3])
        #expect(try LayerSelection(parsing: "0-3").layers(numWs: 10) == [0, 1, 2, 3])
        #expect(try LayerSelection(parsing: "5").layers(numWs: 10) == [5])
        #expect(throws: StyleGANError.editing(.layerOutOfRange(10, numWs: 10))) { try LayerSelection(parsing: "8-10").layers(numWs: 10) }
        for bad in ["3-1", "-1", "1-", "a-b", "0-3,5", "", "coarse"] {
            #expect(throws: StyleGANError.self, "\(bad)") { try LayerSelection(parsing: bad) }
        }
    }

    @Test("strengths: signed labels, integers without a fraction, repeats refused")
    func strengths() throws {
        #expect(try EditStrengths.parse("-3,-1.5,0,1.5,3") == [-3, -1.5, 0, 1.5, 3])
        #expect([-3, -1.5, 0, -0.0, 1.5, 0.25, 10].map { EditStrengths.label($0) } == ["-3", "-1.5", "+0", "+0", "+1.5", "+0.25", "+10"])
        #expect(EditNames.image(subject: "seed0042", direction: .sefa(3), strength: 1.5) == "seed0042_sefa3_+1.5.png")
        #expect(EditNames.strip(subject: "seed0042", direction: .sefa(3)) == "seed0042_sefa3_strip.png")
        for bad in ["1,1.0", "0,-0", "1,,2", "inf", "x", ""] {
            #expect(throws: StyleGANError.self, "\(bad)") { try EditStrengths.parse(bad) }
        }
    }
}
