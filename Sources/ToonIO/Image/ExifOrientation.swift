import Foundation

/// How a camera says its picture must be turned to stand upright: the EXIF Orientation tag (0x0112),
/// read from a JPEG's APP1 "Exif" segment or a PNG's eXIf chunk. Decoders give the pixels as
/// stored; photos from phones are often stored sideways with this tag set.
public enum ExifOrientation: Int, Sendable, CaseIterable {
    case up = 1, upMirrored, down, downMirrored, leftMirrored, right, rightMirrored, left

    /// The orientation an image file declares, or nil when it declares none (or the metadata is
    /// malformed: metadata never stops a picture from loading).
    public static func read(_ bytes: [UInt8]) -> ExifOrientation? {
        guard let tiff = tiffBlock(bytes) else { return nil }
        return orientation(inTIFF: tiff)
    }

    /// The TIFF block of a JPEG's Exif segment or a PNG's eXIf chunk.
    static func tiffBlock(_ bytes: [UInt8]) -> ArraySlice<UInt8>? {
        if bytes.starts(with: [0xFF, 0xD8]) {
            var at = 2
            // Markers up to the first scan; APP1 with "Exif\0\0" carries the tag.
            while at + 4 <= bytes.count, bytes[at] == 0xFF {
                let marker = bytes[at + 1]
                if marker == 0xDA || marker == 0xD9 { return nil }
                let length = Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
                guard length >= 2, at + 2 + length <= bytes.count else { return nil }
                let body = bytes[(at + 4)..<(at + 2 + length)]
                if marker == 0xE1, body.starts(with: Array("Exif".utf8) + [0, 0]) { return body.dropFirst(6) }
                at += 2 + length
            }
            return nil
        }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            var at = 8
            while at + 12 <= bytes.count {
                let length = (0..<4).reduce(0) { $0 << 8 | Int(bytes[at + $1]) }
                let type = String(decoding: bytes[(at + 4)..<(at + 8)], as: UTF8.self)
                guard length >= 0, at + 12 + length <= bytes.count else { return nil }
                if type == "eXIf" { return bytes[(at + 8)..<(at + 8 + length)] }
                if type == "IDAT" || type == "IEND" { return nil }
                at += 12 + length
            }
        }
        return nil
    }

    /// The Orientation entry of IFD0 in a TIFF block (either byte order).
    static func orientation(inTIFF tiff: ArraySlice<UInt8>) -> ExifOrientation? {
        let base = tiff.startIndex
        guard tiff.count >= 8 else { return nil }
        let little: Bool
        switch (tiff[base], tiff[base + 1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ offset: Int) -> Int? {
            guard offset >= 0, offset + 2 <= tiff.count else { return nil }
            let a = Int(tiff[base + offset]), b = Int(tiff[base + offset + 1])
            return little ? a | b << 8 : a << 8 | b
        }
        func u32(_ offset: Int) -> Int? {
            guard let low = u16(little ? offset : offset + 2), let high = u16(little ? offset + 2 : offset) else { return nil }
            return high << 16 | low
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for entry in 0..<min(count, 512) {
            let at = ifd + 2 + 12 * entry
            guard let tag = u16(at) else { return nil }
            if tag == 0x0112 {
                guard u16(at + 2) == 3, let value = u16(at + 8) else { return nil }  // SHORT, value in place
                return ExifOrientation(rawValue: value)
            }
        }
        return nil
    }
}

extension Image {
    /// The picture turned as `orientation` says, so it stands upright (`up` returns it unchanged).
    public func applying(_ orientation: ExifOrientation) -> Image {
        let (w, h) = (width, height)
        let swaps = orientation.rawValue >= 5
        let (outW, outH) = swaps ? (h, w) : (w, h)
        // For each output pixel, the stored pixel it shows.
        func source(_ x: Int, _ y: Int) -> (Int, Int) {
            switch orientation {
            case .up: (x, y)
            case .upMirrored: (w - 1 - x, y)
            case .down: (w - 1 - x, h - 1 - y)
            case .downMirrored: (x, h - 1 - y)
            case .leftMirrored: (y, x)
            case .right: (y, h - 1 - x)
            case .rightMirrored: (w - 1 - y, h - 1 - x)
            case .left: (w - 1 - y, x)
            }
        }
        guard orientation != .up else { return self }
        var out = [Float](repeating: 0, count: samples.count)
        for c in 0..<channels {
            for y in 0..<outH {
                for x in 0..<outW {
                    let (sx, sy) = source(x, y)
                    out[(c * outH + y) * outW + x] = samples[(c * h + sy) * w + sx]
                }
            }
        }
        return Image(width: outW, height: outH, channels: channels, samples: out, bitDepth: bitDepth)
    }

    /// Reads a PNG or JPEG and turns it upright by its EXIF orientation, as photo viewers show it.
    public static func readUpright(from url: URL) throws(ToonIOError) -> Image {
        let bytes = try ImageFileBytes.read(url)
        let image = try decode(bytes, path: url.path)
        return ExifOrientation.read(bytes).map { image.applying($0) } ?? image
    }
}
