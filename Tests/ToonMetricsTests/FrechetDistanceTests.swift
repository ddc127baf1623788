import Testing
@testable import ToonMetrics
import ToonCore

/// FID and KID arithmetic on inputs small enough to compute by hand.
struct FrechetDistanceTests {
    @Test func covarianceIsNumpysWithDivisorNMinusOne() {
        // Rows (1, 2), (3, 5), (4, 4): mean (8/3, 11/3); centred (-5/3, -5/3), (1/3, 4/3), (4/3, 1/3).
        let stats = FeatureStatistics(features: [1, 2, 3, 5, 4, 4], dimensions: 2)
        let variance: Double = 42.0 / 18, covariance: Double = 33.0 / 18  // (25 + 1 + 16) / 9 / 2 and (25 + 4 + 4) / 9 / 2
        let expected: [Double] = [variance, covariance, covariance, variance]
        #expect(zip(stats.mean, [8 / 3.0, 11 / 3.0]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(zip(stats.covariance, expected).allSatisfy { abs($0 - $1) < 1e-12 }, "\(stats.covariance)")
    }

    @Test func identicalSetsAreZeroApart() {
        var random = NumpyRandomState(seed: 3)
        let features = (0..<(40 * 16)).map { _ in Float(random.standardNormal()) }
        let stats = FeatureStatistics(features: features, dimensions: 16)
        #expect(abs(FrechetDistance.distance(stats, stats)) < 1e-9)
    }

    @Test func twoByTwoCasesMatchTheirClosedForms() {
        // 2x2: tr sqrt(M) = sqrt(tr M + 2 sqrt(det M)), since (sqrt l1 + sqrt l2)^2 = l1 + l2 + 2 sqrt(l1 l2).
        // S1 = [[2, 1], [1, 2]], S2 = diag(1, 3): S1 S2 = [[2, 3], [1, 6]], trace 8, det 9, so sqrt(14).
        let a = FeatureStatistics(count: 2, mean: [1, 2], covariance: [2, 1, 1, 2])
        let b = FeatureStatistics(count: 2, mean: [0, 4], covariance: [1, 0, 0, 3])
        let expected = (1 + 4) + (4 + 4) - 2 * 14.0.squareRoot()
        #expect(abs(FrechetDistance.distance(a, b) - expected) < 1e-12)
        // Diagonal covariances: sum of (sqrt s1 - sqrt s2)^2, here (2 - 1)^2 + (3 - 5)^2.
        let c = FeatureStatistics(count: 2, mean: [0, 0], covariance: [4, 0, 0, 9])
        let e = FeatureStatistics(count: 2, mean: [0, 0], covariance: [1, 0, 0, 25])
        #expect(abs(FrechetDistance.distance(c, e) - 5) < 1e-12)
        // Singular S1 (rank 1): S1 S2 = [[1, 2], [1, 2]], eigenvalues 0 and 3.
        let f = FeatureStatistics(count: 2, mean: [0, 0], covariance: [1, 1, 1, 1])
        let g = FeatureStatistics(count: 2, mean: [0, 0], covariance: [1, 0, 0, 2])
        #expect(abs(FrechetDistance.distance(f, g) - (2 + 3 - 2 * 3.0.squareRoot())) < 1e-12)
    }

    @Test func kidOfOneDimensionalSetsMatchesTheFormulaByHand() {
        // d = 1, x (fake) = {0, 2}, y (real) = {1, 3}, m = 2: k(u, v) = (uv + 1)^3.
        // k_xx off-diagonal: k(0, 2) = 1, twice; k_yy off-diagonal: k(1, 3) = 64, twice;
        // k_xy: k(0,1) + k(0,3) + k(2,1) + k(2,3) = 1 + 1 + 27 + 343 = 372.
        // t = (2 + 128) / 1 - 372 * 2 / 2 = -242 per subset; KID = t / m = -121 (every subset is the whole set).
        let kid = KernelInceptionDistance.distance(real: [1, 3], fake: [0, 2], dimensions: 1, subsets: 3)
        #expect(abs(kid - -121) < 1e-12)
    }
}
