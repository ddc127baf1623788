import Testing
import ToonCore

/// LAPACK's symmetric eigensolver and the double products, through their row-major wrappers.
struct DoubleLinearAlgebraTests {
    @Test func eigenpairsOfASymmetricMatrixSatisfyAvEqualsLambdaV() throws {
        // [[2, -1, 0], [-1, 2, -1], [0, -1, 2]] has eigenvalues 2 - sqrt 2, 2, 2 + sqrt 2.
        let a: [Double] = [2, -1, 0, -1, 2, -1, 0, -1, 2], n = 3
        let (values, vectors) = try #require(DoubleLinearAlgebra.symmetricEigen(a, n: n, vectors: true))
        let expected = [2 - 2.0.squareRoot(), 2, 2 + 2.0.squareRoot()]
        #expect(zip(values, expected).allSatisfy { abs($0 - $1) < 1e-12 }, "\(values)")
        for j in 0..<n {
            for i in 0..<n {
                let av = (0..<n).reduce(0.0) { $0 + a[i * n + $1] * vectors[$1 * n + j] }
                #expect(abs(av - values[j] * vectors[i * n + j]) < 1e-12, "column \(j), row \(i)")
            }
            let norm = (0..<n).reduce(0.0) { $0 + vectors[$1 * n + j] * vectors[$1 * n + j] }
            #expect(abs(norm - 1) < 1e-12)
        }
        let valuesOnly = try #require(DoubleLinearAlgebra.symmetricEigen(a, n: n, vectors: false))
        #expect(zip(valuesOnly.values, expected).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func gramIsATransposeAWithBothTriangles() {
        // A [3, 2] = [[1, 2], [3, 4], [5, 6]]: A^T A = [[35, 44], [44, 56]].
        let a: [Double] = [1, 2, 3, 4, 5, 6]
        var c = [Double](repeating: -1, count: 4)
        a.withUnsafeBufferPointer { a in
            c.withUnsafeMutableBufferPointer { c in
                DoubleLinearAlgebra.gram(n: 2, k: 3, a: a.baseAddress!, lda: 2, c: c.baseAddress!)
            }
        }
        #expect(c == [35, 44, 44, 56])
    }
}
