/// Float sorting by LSD radix on the bits (three passes of 11 bits): the sliced Wasserstein distance
/// sorts hundreds of projections of 10^5 values each, where this is about ten times faster than a
/// comparison sort. Order is the same as `sorted()` for finite values (-0 before +0).
enum RadixSort {
    /// `values` in ascending order.
    static func sorted(_ values: ArraySlice<Float>) -> [Float] {
        let n = values.count
        // Map each float to a key whose unsigned order is the float order: flip all bits of
        // negatives, only the sign bit of the rest.
        var keys = values.map { v -> UInt32 in
            let b = v.bitPattern
            return b & 0x8000_0000 != 0 ? ~b : b | 0x8000_0000
        }
        var scratch = [UInt32](repeating: 0, count: n)
        keys.withUnsafeMutableBufferPointer { a in
            scratch.withUnsafeMutableBufferPointer { b in
                var (from, to) = (a, b)
                var counts = [Int](repeating: 0, count: 2048)
                for shift in stride(from: 0, to: 33, by: 11) {
                    for i in 0..<2048 { counts[i] = 0 }
                    for k in from { counts[Int((k >> UInt32(shift)) & 0x7FF)] += 1 }
                    var total = 0
                    for i in 0..<2048 { let c = counts[i]; counts[i] = total; total += c }
                    for k in from {
                        let bucket = Int((k >> UInt32(shift)) & 0x7FF)
                        to[counts[bucket]] = k
                        counts[bucket] += 1
                    }
                    swap(&from, &to)
                }
                // Three passes: the result is in `to`'s old buffer, now `from`, i.e. b.
                if from.baseAddress != a.baseAddress { a.baseAddress!.update(from: from.baseAddress!, count: n) }
            }
        }
        return keys.map { k in Float(bitPattern: k & 0x8000_0000 != 0 ? k & 0x7FFF_FFFF : ~k) }
    }
}
