import Foundation

/// Writes dlib's serialization as dlib/serialize.h does, to make hand-made shape predictor files:
/// integers as a control byte (value byte count, bit 7 the sign) then little-endian magnitude bytes;
/// floats as float_details (frexp's mantissa scaled to 24 bits, trailing zero bytes shifted off into
/// the exponent), mantissa then exponent.
struct DlibBytes {
    var bytes: [UInt8] = []

    mutating func int(_ value: Int64) {
        var magnitude = value.magnitude
        var body: [UInt8] = []
        repeat {
            body.append(UInt8(magnitude & 0xFF))
            magnitude >>= 8
        } while magnitude != 0
        bytes.append(UInt8(body.count) | (value < 0 ? 0x80 : 0))
        bytes += body
    }

    mutating func float(_ value: Float) {
        if value.isInfinite { int(0); int(value > 0 ? 32000 : 32001); return }
        if value.isNaN { int(0); int(32002); return }
        // Swift's frexp overload drops the sign, so it goes back on here.
        let (fraction, exponent) = frexp(Double(value.magnitude))
        var mantissa = Int64(fraction * Double(1 << 24)) * (value < 0 ? -1 : 1)
        var e = Int64(exponent - 24)
        var shifts = 0
        while shifts < 8 && mantissa & 0xFF == 0 {
            mantissa >>= 8
            e += 8
            shifts += 1
        }
        int(mantissa)
        int(e)
    }

    /// A `matrix<float,0,1>` in dlib's newer format (negative dimensions).
    mutating func column(_ values: [Float]) {
        int(-Int64(values.count))
        int(-1)
        for v in values { float(v) }
    }

    /// A hand-made model: `points` points, one forest of the given trees (each its splits as
    /// (idx1, idx2, thresh) and its leaves), anchors and deltas for the forest's feature pixels.
    static func model(initial: [Float], trees: [(splits: [(UInt64, UInt64, Float)], leaves: [[Float]])],
                      anchors: [UInt64], deltas: [Float], version: Int64 = 1) -> [UInt8] {
        var out = DlibBytes()
        out.int(version)
        out.column(initial)
        out.int(1)  // one forest
        out.int(Int64(trees.count))
        for tree in trees {
            out.int(Int64(tree.splits.count))
            for (a, b, t) in tree.splits {
                out.int(Int64(a))
                out.int(Int64(b))
                out.float(t)
            }
            out.int(Int64(tree.leaves.count))
            for leaf in tree.leaves { out.column(leaf) }
        }
        out.int(1)
        out.int(Int64(anchors.count))
        for a in anchors { out.int(Int64(a)) }
        out.int(1)
        out.int(Int64(deltas.count / 2))
        for d in deltas { out.float(d) }
        return out.bytes
    }
}
