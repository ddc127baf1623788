import ToonCore

/// NVLabs' projector keeps the optimised noise maps noise-like: it penalises their autocorrelation
/// at one pixel's shift, at every scale of a 2x average-pool pyramid down to 8 px, and renormalises
/// each map to zero mean and unit variance after every step.
public enum NoiseRegularization {
    /// The sum over maps and scales of mean(n * roll(n, 1, x))^2 + mean(n * roll(n, 1, y))^2.
    /// Maps are [R, R]; differentiable.
    public static func penalty(_ maps: [Tensor]) -> Tensor {
        var total = Tensor(0)
        for map in maps {
            var n = map.reshaped([1, 1, map.shape[0], map.shape[1]])
            while true {
                total = total + (n * n.rolled(by: 1, axis: 3)).mean().square()
                total = total + (n * n.rolled(by: 1, axis: 2)).mean().square()
                if n.shape[2] <= 8 { break }
                n = n.avgPool2d(kernel: 2)
            }
        }
        return total
    }

    /// `map` - its mean, then divided by its root mean square (NVLabs' in-place renormalisation).
    public static func normalized(_ map: Tensor) -> Tensor {
        var values = map.scalars
        let mean = values.reduce(Float(0), +) / Float(values.count)
        for i in values.indices { values[i] -= mean }
        let meanSquare = values.reduce(Float(0)) { $0 + $1 * $1 } / Float(values.count)
        let scale = 1 / meanSquare.squareRoot()
        return Tensor(shape: map.shape, scalars: values.map { $0 * scale })
    }
}
