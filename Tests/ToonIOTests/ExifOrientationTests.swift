import Foundation
import Testing
@testable import ToonIO

@Suite("EXIF orientation: read from JPEG and PNG, applied as photo viewers do")
struct ExifOrientationTests {
    /// A TIFF block whose IFD0 holds one entry, Orientation = `value`, in either byte order.
    static func tiff(_ value: Int, little: Bool) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { little ? [UInt8(v & 0xFF), UInt8(v >> 8)] : [UInt8(v >> 8), UInt8(v & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { little ? u16(v & 0xFFFF) + u16(v >> 16) : u16(v >> 16) + u16(v & 0xFFFF) }
        let header: [UInt8] = (little ? [0x49, 0x49] : [0x4D, 0x4D]) + u16(42) + u32(8)
        // Entry: a DPI tag first (not ours), then Orientation, SHORT, count 1, value in place.
        let other = u16(0x011A) + u16(5) + u32(1) + u32(0)
        let entry = u16(0x0112) + u16(3) + u32(1) + u16(value) + u16(0)
        return header + u16(2) + other + entry + u32(0)
    }

    /// A 3 x 2 picture whose six pixels are all different.
    static let picture = Image(width: 3, height: 2, channels: 1, samples: [0, 1, 2, 3, 4, 5].map { Float($0) / 255 })

    @Test("the tag is found in a JPEG's APP1 segment and a PNG's eXIf chunk, in both byte orders",
          arguments: ExifOrientation.allCases)
    func readsTag(orientation: ExifOrientation) throws {
        let jpeg = try Self.picture.encoded(as: .jpeg(quality: 95))
        let block = Array("Exif".utf8) + [0, 0] + Self.tiff(orientation.rawValue, little: orientation.rawValue % 2 == 0)
        let app1: [UInt8] = [0xFF, 0xE1, UInt8((block.count + 2) >> 8), UInt8((block.count + 2) & 0xFF)] + block
        let tagged = Array(jpeg.prefix(2)) + app1 + Array(jpeg.dropFirst(2))
        #expect(ExifOrientation.read(tagged) == orientation)
        #expect(try Image.decode(tagged) == (try Image.decode(jpeg)), "decoding ignores the tag")

        let png = try Self.picture.encoded(as: .png)
        let tiff = Self.tiff(orientation.rawValue, little: orientation.rawValue % 2 == 1)
        let type = Array("eXIf".utf8), crc = CRC32.checksum(type + tiff)
        let chunk = [UInt8(tiff.count >> 24), UInt8(tiff.count >> 16 & 0xFF), UInt8(tiff.count >> 8 & 0xFF), UInt8(tiff.count & 0xFF)]
            + type + tiff + [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
        let afterHeader = 8 + 25  // signature, then IHDR (4 + 4 + 13 + 4)
        let taggedPNG = Array(png.prefix(afterHeader)) + chunk + Array(png.dropFirst(afterHeader))
        #expect(ExifOrientation.read(taggedPNG) == orientation)
        #expect(try Image.decode(taggedPNG) == Self.picture)
    }

    @Test("no tag, or malformed metadata, reads as none")
    func noTag() throws {
        #expect(ExifOrientation.read(try Self.picture.encoded(as: .png)) == nil)
        #expect(ExifOrientation.read(try Self.picture.encoded(as: .jpeg(quality: 90))) == nil)
        #expect(ExifOrientation.read([0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x40, 0x45]) == nil)   // APP1 longer than the file
        #expect(ExifOrientation.orientation(inTIFF: ArraySlice(Self.tiff(9, little: true))) == nil)
        #expect(ExifOrientation.orientation(inTIFF: ArraySlice(Array(Self.tiff(6, little: true).prefix(20)))) == nil)
    }

    /// The stored 3 x 2 pixels [[0 1 2] [3 4 5]] as each orientation shows them (PIL's exif_transpose).
    @Test("each orientation turns the picture as PIL's exif_transpose does", arguments: [
        (ExifOrientation.up, 3, [0, 1, 2, 3, 4, 5]),
        (.upMirrored, 3, [2, 1, 0, 5, 4, 3]),
        (.down, 3, [5, 4, 3, 2, 1, 0]),
        (.downMirrored, 3, [3, 4, 5, 0, 1, 2]),
        (.leftMirrored, 2, [0, 3, 1, 4, 2, 5]),
        (.right, 2, [3, 0, 4, 1, 5, 2]),
        (.rightMirrored, 2, [5, 2, 4, 1, 3, 0]),
        (.left, 2, [2, 5, 1, 4, 0, 3]),
    ])
    func turns(orientation: ExifOrientation, width: Int, expected: [Int]) {
        let turned = Self.picture.applying(orientation)
        #expect(turned.width == width && turned.height == 6 / width)
        #expect(turned.samples.map { Int(($0 * 255).rounded()) } == expected)
    }
}
