import ToonCore

/// Faces draw from SplitMix64 (ToonCore): a stream that is the same on every platform and Swift version.
extension SplitMix64 {
    /// The stream for face `index` of dataset `seed`: both are mixed in, so neighbouring seeds and
    /// indices give unrelated streams.
    init(seed: UInt64, index: Int) {
        var keyed = SplitMix64(state: seed)
        let a = keyed.next()
        var indexed = SplitMix64(state: a ^ (UInt64(bitPattern: Int64(index)) &* 0xD1B5_4A32_D192_ED03))
        self.init(state: indexed.next())
    }

    /// A uniform Float in `range`, from the top 24 bits (exact in Float, same everywhere).
    mutating func uniform(_ range: ClosedRange<Float>) -> Float {
        let unit = Float(next() >> 40) / Float(1 << 24)
        return range.lowerBound + unit * (range.upperBound - range.lowerBound)
    }

    /// A uniform integer in 0..<count, without modulo bias worth speaking of (count is tiny).
    mutating func index(_ count: Int) -> Int {
        Int((next() >> 11) % UInt64(count))
    }

    /// True with probability `p`.
    mutating func chance(_ p: Float) -> Bool { uniform(0...1) < p }

    /// One of `choices`.
    mutating func pick<T>(_ choices: [T]) -> T { choices[index(choices.count)] }
}
