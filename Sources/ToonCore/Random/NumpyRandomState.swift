#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// numpy's legacy `numpy.random.RandomState`, draw for draw: same seed, same numbers, bit for bit.
///
/// NVLabs' scripts make latents with `RandomState(seed).randn(1, z_dim)`; reproducing that stream is
/// what makes a seed name the same face here as there. Only the legacy algorithms are reproduced
/// (polar Box-Muller with a cached second value, masked rejection for integers), not `Generator`.
public struct NumpyRandomState: Sendable {
    private var bits: MT19937
    /// The second normal of the last polar pair, handed out by the next `standardNormal()`.
    private var cachedNormal: Double?

    /// The stream of `numpy.random.RandomState(seed)`.
    public init(seed: UInt32) {
        bits = MT19937(seed: seed)
        cachedNormal = nil
    }

    /// A double in [0, 1) with 53 random bits, as `random_sample()`: 27 high bits of one draw and
    /// 26 of the next.
    public mutating func randomSample() -> Double {
        let high = Double(bits.next() >> 5), low = Double(bits.next() >> 6)
        return (high * 67_108_864.0 + low) / 9_007_199_254_740_992.0
    }

    /// A standard normal, as `standard_normal()` / `randn()`: Marsaglia's polar method; each
    /// accepted pair yields two values, the second cached for the next call.
    public mutating func standardNormal() -> Double {
        if let cached = cachedNormal {
            cachedNormal = nil
            return cached
        }
        var x1: Double, x2: Double, r2: Double
        repeat {
            x1 = 2.0 * randomSample() - 1.0
            x2 = 2.0 * randomSample() - 1.0
            r2 = x1 * x1 + x2 * x2
        } while r2 >= 1.0 || r2 == 0.0
        // Grouped exactly as numpy's C source so the rounding, and so every bit, agrees.
        let f = sqrt(-2.0 * log(r2) / r2)
        cachedNormal = f * x1
        return f * x2
    }

    /// A double in [low, high), as `uniform(low, high)`: `low + (high - low) * randomSample()`.
    public mutating func uniform(low: Double = 0, high: Double = 1) -> Double {
        let range = high - low
        return low + range * randomSample()
    }

    /// An integer in `range`, as `randint(range.lowerBound, range.upperBound)` (int64 or int32):
    /// draws masked to the range's bit width, rejected until one falls inside.
    public mutating func randint(_ range: Range<Int>) -> Int {
        precondition(!range.isEmpty, "randint of an empty range \(range)")
        let span = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound &- 1))
        return range.lowerBound &+ Int(bitPattern: UInt(bounded(span)))
    }

    /// `count` integers in `range`, as `randint(low, high, size=count)`.
    public mutating func randint(_ range: Range<Int>, count: Int) -> [Int] {
        (0..<count).map { _ in randint(range) }
    }

    /// Shuffles `elements` in place, as `shuffle()` on a 1-D array: Fisher-Yates from the end.
    public mutating func shuffle<Element>(_ elements: inout [Element]) {
        guard elements.count > 1 else { return }
        for i in stride(from: elements.count - 1, through: 1, by: -1) {
            let j = Int(interval(UInt64(i)))
            elements.swapAt(i, j)
        }
    }

    /// A random ordering of 0..<n, as `permutation(n)`.
    public mutating func permutation(_ n: Int) -> [Int] {
        var values = Array(0..<n)
        shuffle(&values)
        return values
    }

    /// A uniform integer in 0...span by masked rejection, 32-bit draws when the span fits in 32 bits
    /// (numpy's `random_bounded_uint64_fill` with `use_masked`, as the legacy `randint` uses).
    private mutating func bounded(_ span: UInt64) -> UInt64 {
        if span == 0 { return 0 }
        if span == UInt64(UInt32.max) { return UInt64(bits.next()) }
        if span == UInt64.max { return bits.next64() }
        let mask = Self.mask(covering: span)
        if span < UInt64(UInt32.max) {
            var value: UInt64
            repeat { value = UInt64(bits.next() & UInt32(mask)) } while value > span
            return value
        }
        var value: UInt64
        repeat { value = bits.next64() & mask } while value > span
        return value
    }

    /// A uniform integer in 0...max as numpy's `random_interval` (used by the legacy shuffle):
    /// the same masked rejection, but a span of exactly 2^32-1 still goes through the mask.
    private mutating func interval(_ max: UInt64) -> UInt64 {
        if max == 0 { return 0 }
        let mask = Self.mask(covering: max)
        var value: UInt64
        if max <= UInt64(UInt32.max) {
            repeat { value = UInt64(bits.next()) & mask } while value > max
        } else {
            repeat { value = bits.next64() & mask } while value > max
        }
        return value
    }

    /// The smallest all-ones bit pattern that is at least `value`.
    private static func mask(covering value: UInt64) -> UInt64 {
        var mask = value
        mask |= mask >> 1
        mask |= mask >> 2
        mask |= mask >> 4
        mask |= mask >> 8
        mask |= mask >> 16
        mask |= mask >> 32
        return mask
    }
}
