/// The 32-bit Mersenne Twister (Matsumoto & Nishimura, 1998), seeded the way numpy's legacy
/// `RandomState(seed)` seeds it for an integer seed (the reference `init_genrand`).
///
/// It exists so that seeds mean the same thing here as in NVLabs' scripts; it is not a
/// cryptographic generator and not a fast general-purpose one.
public struct MT19937: Sendable {
    /// Words of state; the period is 2^19937 - 1.
    public static let stateSize = 624
    private static let shift = 397

    private var state: [UInt32]
    /// Index of the next state word to temper; `stateSize` means the block is used up.
    private var position: Int

    /// The generator `numpy.random.RandomState(seed)` starts from.
    public init(seed: UInt32) {
        var state = [UInt32](repeating: 0, count: Self.stateSize)
        state[0] = seed
        for i in 1..<Self.stateSize {
            let previous = state[i - 1]
            state[i] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(i)
        }
        self.state = state
        // numpy marks the fresh state as used up, so the first draw regenerates the block.
        self.position = Self.stateSize
    }

    /// 64 random bits from two draws, high word first (numpy's `mt19937_next64`).
    public mutating func next64() -> UInt64 {
        let high = UInt64(next())
        return high << 32 | UInt64(next())
    }

    /// The next 32 random bits.
    public mutating func next() -> UInt32 {
        if position >= Self.stateSize { regenerate() }
        var y = state[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// Replaces the whole block of state words at once (the "twist").
    private mutating func regenerate() {
        let n = Self.stateSize, m = Self.shift
        state.withUnsafeMutableBufferPointer { mt in
            @inline(__always) func mixed(_ upper: UInt32, _ lower: UInt32) -> UInt32 {
                let y = (upper & 0x8000_0000) | (lower & 0x7FFF_FFFF)
                return (y >> 1) ^ ((y & 1) == 0 ? 0 : 0x9908_B0DF)
            }
            for i in 0..<(n - m) { mt[i] = mt[i + m] ^ mixed(mt[i], mt[i + 1]) }
            for i in (n - m)..<(n - 1) { mt[i] = mt[i + m - n] ^ mixed(mt[i], mt[i + 1]) }
            mt[n - 1] = mt[m - 1] ^ mixed(mt[n - 1], mt[0])
        }
        position = 0
    }
}
