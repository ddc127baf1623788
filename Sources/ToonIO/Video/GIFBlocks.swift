/// The byte layout of the GIF89a blocks ToonKit writes (all integers little-endian).
enum GIFBlocks {
    /// Signature and logical screen descriptor. There is no global colour table: each frame
    /// brings its own, which suits a latent walk whose colours drift from frame to frame.
    static func header(width: Int, height: Int) -> [UInt8] {
        var out = Array("GIF89a".utf8)
        out += le16(width) + le16(height)
        // No global table; colour resolution 8 bits (0b111 << 4), informational only.
        out += [0x70, 0, 0]
        return out
    }

    /// NETSCAPE2.0 application extension: repeat `loop` times after the first play (0 = forever).
    static func loopExtension(_ loop: Int) -> [UInt8] {
        [0x21, 0xFF, 11] + Array("NETSCAPE2.0".utf8) + [3, 1] + le16(loop) + [0]
    }

    /// Graphic control extension: the frame stays for `delay` hundredths of a second and is left
    /// in place when the next one is drawn (disposal 1); no transparency.
    static func graphicControl(delay: Int) -> [UInt8] {
        [0x21, 0xF9, 4, 0b0000_0100] + le16(delay) + [0, 0]
    }

    /// Image descriptor for a full-screen frame, followed by its local colour table of
    /// `1 << tableBits` entries (unused entries are black).
    static func image(width: Int, height: Int, palette: [GIFColor], tableBits: Int) -> [UInt8] {
        var out: [UInt8] = [0x2C] + le16(0) + le16(0) + le16(width) + le16(height)
        out.append(0x80 | UInt8(tableBits - 1))
        for color in palette { out += [color.red, color.green, color.blue] }
        out += [UInt8](repeating: 0, count: ((1 << tableBits) - palette.count) * 3)
        return out
    }

    static let trailer: [UInt8] = [0x3B]

    /// Smallest table size exponent (1...8) that holds `count` colours.
    static func tableBits(forColorCount count: Int) -> Int {
        var bits = 1
        while 1 << bits < count { bits += 1 }
        return bits
    }

    private static func le16(_ value: Int) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)]
    }
}
