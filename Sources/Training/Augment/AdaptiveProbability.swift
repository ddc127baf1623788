import ToonCore

/// ADA's heuristic for p (NVLabs training_loop.py): every `interval` steps, the sign of D's real
/// logits, averaged over that span (r_t = E[sign(D(real))], from -1 to 1), is compared with the
/// target; p moves up when D is overconfident (r_t above the target) and down otherwise, by the
/// amount that would take it from 0 to 1 in `kimgPerUnit` thousand images. p never goes below 0.
enum AdaptiveProbability {
    /// Steps between adjustments (NVLabs ada_interval).
    static let interval = 4
    /// Thousands of images for p to move by 1 (NVLabs ada_kimg).
    static let kimgPerUnit = 500.0

    /// p after one adjustment, from the sum and count of sign(D(real)) since the last one.
    static func adjusted(_ p: Float, signSum: Int, signCount: Int, target: Float, batch: Int) -> Float {
        guard signCount > 0 else { return p }
        let mean = Double(signSum) / Double(signCount)
        let direction: Double = mean > Double(target) ? 1 : (mean < Double(target) ? -1 : 0)
        let step = direction * Double(batch * interval) / (kimgPerUnit * 1000)
        return Float(max(Double(p) + step, 0))
    }

    /// The sum of the signs of `logits` (-1, 0 or 1 each).
    static func signSum(_ logits: Tensor) -> Int {
        logits.scalars.reduce(0) { $0 + ($1 > 0 ? 1 : ($1 < 0 ? -1 : 0)) }
    }
}
