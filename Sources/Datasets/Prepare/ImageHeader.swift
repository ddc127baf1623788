/// The size an image file declares, read from its header alone (PNG IHDR, JPEG SOFn), so that a
/// file claiming 100000 x 100000 pixels is refused before the decoder allocates anything.
struct ImageHeader: Equatable {
    enum Format { case png, jpeg }

    let format: Format
    /// Nil when the header is cut short or has no frame marker; the decoder then names the problem.
    let width: Int?
    let height: Int?

    /// Nil when the bytes are neither a PNG nor a JPEG.
    init?(_ bytes: [UInt8]) {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        if !bytes.isEmpty, zip(bytes, png).allSatisfy({ $0 == $1 }) {
            format = .png
            // Signature, then the IHDR chunk: length, "IHDR", width, height (big-endian).
            if bytes.count >= 24, bytes[12..<16].elementsEqual("IHDR".utf8) {
                width = Self.bigEndian(bytes, 16, 4)
                height = Self.bigEndian(bytes, 20, 4)
            } else {
                width = nil
                height = nil
            }
            return
        }
        guard bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF else { return nil }
        format = .jpeg
        let size = Self.jpegFrameSize(bytes)
        width = size?.width
        height = size?.height
    }

    /// Walks the JPEG marker segments up to the first start-of-frame and reads its size.
    private static func jpegFrameSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        var p = 2
        while p + 1 < bytes.count {
            guard bytes[p] == 0xFF else { return nil }
            var marker = bytes[p + 1]
            p += 2
            while marker == 0xFF, p < bytes.count {   // fill bytes
                marker = bytes[p]
                p += 1
            }
            // Markers without a length: TEM, RSTn, SOI.
            if marker == 0x01 || (0xD0...0xD8).contains(marker) { continue }
            if marker == 0xD9 || marker == 0xDA { return nil }   // EOI or a scan before any frame
            guard p + 2 <= bytes.count else { return nil }
            let length = bigEndian(bytes, p, 2)
            guard length >= 2 else { return nil }
            let isFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isFrame {
                // Length, precision, height, width.
                guard p + 7 <= bytes.count else { return nil }
                return (bigEndian(bytes, p + 5, 2), bigEndian(bytes, p + 3, 2))
            }
            p += length
        }
        return nil
    }

    private static func bigEndian(_ bytes: [UInt8], _ at: Int, _ count: Int) -> Int {
        var value = 0
        for i in 0..<count { value = value << 8 | Int(bytes[at + i]) }
        return value
    }
}

/// The largest image `DatasetPreparer` decodes: decoded samples are 4-byte floats, so the pixel
/// count bounds the memory one image takes.
public struct PixelBudget: Equatable, Sendable {
    /// Longest side accepted.
    public var maximumSide: Int
    /// Most pixels accepted (width x height).
    public var maximumPixels: Int

    /// 16384 a side and 2^26 pixels (a 64-megapixel photo; about 1 GiB of samples as RGBA floats).
    public static let standard = PixelBudget(maximumSide: 16_384, maximumPixels: 1 << 26)

    public init(maximumSide: Int, maximumPixels: Int) {
        self.maximumSide = maximumSide
        self.maximumPixels = maximumPixels
    }

    func allows(width: Int, height: Int) -> Bool {
        width <= maximumSide && height <= maximumSide && width * height <= maximumPixels
    }
}
