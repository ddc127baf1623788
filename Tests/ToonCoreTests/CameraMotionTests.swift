import Testing
import ToonCore

@Suite("CameraMotion: small random camera moves that never show an empty border")
struct CameraMotionTests {
    @Test("a white frame stays white under 50 draws of a large motion, at two sizes", arguments: [9, 32])
    func coversTheFrame(side: Int) {
        var random = SplitMix64(state: 4)
        let motion = CameraMotion(rotation: 15, shift: 0.1, zoom: 0.2)
        let white = Tensor.ones([1, 3, side, side])
        for _ in 0..<50 {
            let theta = motion.theta(&random, side: side)
            let warped = CameraMotion.warp(white, theta: [theta])
            #expect(warped.scalars.allSatisfy { abs($0 - 1) < 1e-5 }, "theta \(theta)")
        }
    }

    @Test("no motion is the identity")
    func none() {
        var random = SplitMix64(state: 1)
        let theta = CameraMotion.none.theta(&random, side: 16)
        #expect(theta == [1, 0, 0, 0, 1, 0])
    }
}
