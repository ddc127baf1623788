/// Exact nearest-palette-entry search (squared RGB distance), fast enough to run per pixel.
///
/// Entries are kept sorted by `r + g + b`. For any two colours `|Δ(r+g+b)| <= sqrt(3) * distance`,
/// so walking outward from the query's sum can stop once `Δsum² / 3` reaches the best distance
/// found. That keeps the answer exact (dithering needs the true nearest colour to diffuse the right
/// error) while looking at a few dozen entries instead of 256. A small direct-mapped cache catches
/// the many repeated colours of flat cartoon areas.
struct GIFNearestColor {
    private var sums: [Int] = []
    private var reds: [Int] = []
    private var greens: [Int] = []
    private var blues: [Int] = []
    private var indexes: [UInt8] = []
    private var cacheKeys = [UInt32](repeating: .max, count: 4096)
    private var cacheValues = [UInt8](repeating: 0, count: 4096)

    init(palette: [GIFColor]) {
        precondition(!palette.isEmpty && palette.count <= 256, "palette of \(palette.count) colours")
        // Ties in the sum are broken by palette position so the search order, and with it every
        // tie between equally near entries, is the same on every run.
        let order = palette.indices.sorted { (palette[$0].sum, $0) < (palette[$1].sum, $1) }
        for i in order {
            let color = palette[i]
            sums.append(color.sum)
            reds.append(Int(color.red)); greens.append(Int(color.green)); blues.append(Int(color.blue))
            indexes.append(UInt8(i))
        }
    }

    /// Palette index nearest to the colour; components must lie in 0...255.
    mutating func index(red: Int, green: Int, blue: Int) -> UInt8 {
        let key = UInt32(red) << 16 | UInt32(green) << 8 | UInt32(blue)
        let slot = Int((key &* 2_654_435_761) >> 20)  // top 12 bits of a Fibonacci hash
        if cacheKeys[slot] == key { return cacheValues[slot] }
        let found = search(red: red, green: green, blue: blue)
        cacheKeys[slot] = key
        cacheValues[slot] = found
        return found
    }

    private func search(red: Int, green: Int, blue: Int) -> UInt8 {
        let sum = red + green + blue
        // First entry whose sum is >= the query's.
        var low = 0, high = sums.count
        while low < high {
            let mid = (low + high) / 2
            if sums[mid] < sum { low = mid + 1 } else { high = mid }
        }
        var best = Int.max / 4, bestIndex = 0
        var up = low, down = low - 1
        var upOpen = up < sums.count, downOpen = down >= 0
        while upOpen || downOpen {
            if upOpen {
                let delta = sums[up] - sum
                if delta * delta >= 3 * best {
                    upOpen = false
                } else {
                    let d = distance(up, red, green, blue)
                    if d < best { best = d; bestIndex = up }
                    up += 1
                    upOpen = up < sums.count
                }
            }
            if downOpen {
                let delta = sum - sums[down]
                if delta * delta >= 3 * best {
                    downOpen = false
                } else {
                    let d = distance(down, red, green, blue)
                    if d < best { best = d; bestIndex = down }
                    down -= 1
                    downOpen = down >= 0
                }
            }
        }
        return indexes[bestIndex]
    }

    @inline(__always)
    private func distance(_ i: Int, _ red: Int, _ green: Int, _ blue: Int) -> Int {
        let dr = reds[i] - red, dg = greens[i] - green, db = blues[i] - blue
        return dr * dr + dg * dg + db * db
    }
}

/// One palette colour.
struct GIFColor: Hashable, Comparable {
    var red: UInt8
    var green: UInt8
    var blue: UInt8

    var sum: Int { Int(red) + Int(green) + Int(blue) }
    /// 0xRRGGBB, the order used to sort exact palettes.
    var packed: UInt32 { UInt32(red) << 16 | UInt32(green) << 8 | UInt32(blue) }

    static func < (a: GIFColor, b: GIFColor) -> Bool { a.packed < b.packed }
}
