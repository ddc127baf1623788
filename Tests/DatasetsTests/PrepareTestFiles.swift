import Foundation
import ToonIO
@testable import Datasets

/// Source files for the prepare tests, made here with ToonIO's encoder or byte by byte.
enum PrepareTestFiles {
    static func folder() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("toonkit-prepare-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A colourful picture: smooth gradients plus a seeded blocky texture, different for each seed.
    static func picture(seed: Int, width: Int = 48, height: Int = 48, channels: Int = 3) -> Image {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
        func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24)
        }
        let blocks = (0..<64).map { _ in (next(), next(), next()) }
        var samples = [Float](repeating: 0, count: channels * width * height)
        let plane = width * height
        for y in 0..<height {
            for x in 0..<width {
                let block = blocks[(y * 8 / height) * 8 + x * 8 / width]
                let rgb = [0.5 * block.0 + 0.5 * Float(x) / Float(width),
                           0.5 * block.1 + 0.5 * Float(y) / Float(height),
                           block.2]
                for c in 0..<min(channels, 3) { samples[c * plane + y * width + x] = (rgb[c] * 255).rounded() / 255 }
                if channels == 4 { samples[3 * plane + y * width + x] = 1 }
            }
        }
        return Image(width: width, height: height, channels: channels, samples: samples)
    }

    /// One colour everywhere.
    static func solid(_ rgb: [Float], width: Int = 32, height: Int = 32) -> Image {
        Image(width: width, height: height, channels: 3,
              samples: rgb.flatMap { [Float](repeating: $0, count: width * height) })
    }

    static func png(_ image: Image, sixteen: Bool = false) -> [UInt8] {
        try! image.encoded(as: sixteen ? .png16 : .png)
    }

    static func jpeg(_ image: Image) -> [UInt8] { try! image.encoded(as: .jpeg(quality: 95)) }

    static func write(_ bytes: [UInt8], _ name: String, in folder: URL) {
        let url = folder.appendingPathComponent(name)
        try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! Data(bytes).write(to: url)
    }

    /// A PNG chunk: length, type, data, CRC.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(CRC32.checksum(body))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A PNG written by hand: IHDR, optional PLTE and tRNS, the rows (filter byte 0 added) in one
    /// stored (uncompressed) zlib stream, IEND.
    static func handPNG(width: UInt32, height: UInt32, bitDepth: UInt8 = 8, colorType: UInt8,
                        palette: [UInt8]? = nil, transparency: [UInt8]? = nil, rows: [[UInt8]]) -> [UInt8] {
        var raw: [UInt8] = []
        for row in rows { raw += [0] + row }
        precondition(raw.count < 65_536, "one stored block only")
        var zlib: [UInt8] = [0x78, 0x01, 0x01, UInt8(raw.count & 0xFF), UInt8(raw.count >> 8),
                             UInt8(~raw.count & 0xFF), UInt8((~raw.count >> 8) & 0xFF)]
        zlib += raw
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        zlib += bigEndian(b << 16 | a)
        var bytes = signature + chunk("IHDR", bigEndian(width) + bigEndian(height) + [bitDepth, colorType, 0, 0, 0])
        if let palette { bytes += chunk("PLTE", palette) }
        if let transparency { bytes += chunk("tRNS", transparency) }
        return bytes + chunk("IDAT", zlib) + chunk("IEND", [])
    }

    /// A PNG whose header claims width x height pixels, followed by a few bytes of image data.
    static func claimingPNG(width: UInt32, height: UInt32) -> [UInt8] {
        signature + chunk("IHDR", bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0])
            + chunk("IDAT", [0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF]) + chunk("IEND", [])
    }

    /// An 8 x 8 CMYK JPEG with an Adobe marker and inverted samples, as Photoshop writes them
    /// (made with libjpeg): left half C 0, M 80%, Y 80%, K 20% (RGB about 204, 41, 41); right half K 100%.
    static let adobeCMYK: [UInt8] = Array(Data(base64Encoded: "/9j/7gAOQWRvYmUAZAAAAAAA/9sAQwABAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB/8AAFAgACAAIBEMRAE0RAFkRAEsRAP/EAB8AAAEFAQEBAQEBAAAAAAAAAAABAgMEBQYHCAkKC//EALUQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+v/aAA4EQwBNAFkASwAAPwD+/ivsj/g0b/5yCf8AdqP/AL8nX2R/waN/85BP+7Uf/fk6+L/+DuT/AJx9/wDd13/vtlf/2Q==")!)

    /// The same picture as plain CMYK without an Adobe marker (samples are the ink, not inverted).
    static let plainCMYK: [UInt8] = Array(Data(base64Encoded: "/9j/2wBDAAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQH/wAAUCAAIAAgEQxEATREAWREASxEA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oADgRDAE0AWQBLAAA/AP8AP/r4v/4O5P8AnH3/AN3Xf++2V8X/APB3J/zj7/7uu/8AfbK+yP8Ag0b/AOcgn/dqP/vydf/Z")!)

    /// The same picture as Adobe YCCK (libjpeg turns it back into inverted CMYK).
    static let adobeYCCK: [UInt8] = Array(Data(base64Encoded: "/9j/7gAOQWRvYmUAZAAAAAAC/9sAQwABAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB/9sAQwEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB/8AAFAgACAAIBAEiAAIRAQMRAQQiAP/EAB8AAAEFAQEBAQEBAAAAAAAAAAABAgMEBQYHCAkKC//EALUQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+v/EAB8BAAMBAQEBAQEBAQEAAAAAAAABAgMEBQYHCAkKC//EALURAAIBAgQEAwQHBQQEAAECdwABAgMRBAUhMQYSQVEHYXETIjKBCBRCkaGxwQkjM1LwFWJy0QoWJDThJfEXGBkaJicoKSo1Njc4OTpDREVGR0hJSlNUVVZXWFlaY2RlZmdoaWpzdHV2d3h5eoKDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uLj5OXm5+jp6vLz9PX29/j5+v/aAA4EAQACEQMRBAAAPwD8O/8Ag4G/5tJ/7r1/7xiiiiv0TxX/AOS/z/8A7pX/AKpcuP4z/Z8/8oheEf8A3fv/AK87jQ+L/wDg7k/5x9/93Xf++2UUUV//2Q==")!)

    /// A zip made by Python's zipfile with deflated entries: img/a.png (16 x 16, pixel (x, y) is
    /// (16x, 16y, 8(x + y))) and notes.txt (10000 letters 'a').
    static let deflatedZip: [UInt8] = Array(Data(base64Encoded: "UEsDBBQAAAAIAOqWg13VCHmvMwIAAC4CAAAJAAAAaW1nL2EucG5nAS4C0f2JUE5HDQoaCgAAAA1JSERSAAAAEAAAABAIAgAAAJCRaDYAAAH1SURBVHjaDcqRouxADADQ4MXBxcHFYDFYDBaDxWAxWAwWg8Xg4uDi4OLgw/mE18MHAKDAX4WC8CKoDG8BVFgMyGEN4IStgXTYB+iE4+l/pZRaXlgqlTcXlLJoISurF46yZZFW9l50lGMWA6hPf9Vasb6pItdFKmldrbLXLapk3VvVXo9RbdYTAF8Fn/5GRMKFkQRXRTbcHCVwT9SGR0cbeE50AKqF3pWevhAR0yrESpuROO1BmnQ0sk7nIJ90AfC7MFZekJ++MrPwpizGu7MGH8nW+Ozsg6/JASBYZKlCKCvJ0zcRUdlN1OUIsZSziXe5hsSUG0CXolR1RWXSjfXpu6qaHq4WeqZ606trDL2nJoBRsbUao21kwraLPf0wM7czzNOuZtHtHpbTPgC+FufqG7qQ7+wqfqg//XT38Cs9mt/dc/hnegMILrHVEIydQjkOCdM4LZ5+RUTG3SJ7fEa0GV+A3EpKzR1TKQ9Okzw13fLyfPqdmS0/PdvI78wO0KS0vTbFdlAzbqc013ZZC293tKd/Wmu9fUfrs/0A+l661n5gN+ond5d+aQ/rt/eM/sn+9G/vffTf7ANgaBlHHYbjpOE8Lhmh47aRPj4xWo5vG0//jTHm+AcwjzKtzhOn07x4hsxbZ9r8+Gwxvzl7m78+n/5vzvkfxUFoEBF/0okAAAAASUVORK5CYIJQSwMEFAAAAAgA6paDXZfUfkYcAAAAECcAAAkAAABub3Rlcy50eHTtwQENAAAAwqCs71/CHG5AAQAAAAAAAAAAwL8BUEsBAhQDFAAAAAgA6paDXdUIea8zAgAALgIAAAkAAAAAAAAAAAAAAIABAAAAAGltZy9hLnBuZ1BLAQIUAxQAAAAIAOqWg12X1H5GHAAAABAnAAAJAAAAAAAAAAAAAACAAVoCAABub3Rlcy50eHRQSwUGAAAAAAIAAgBuAAAAnQIAAAAA")!)

    /// A zip of stored entries, names taken as given.
    static func zip(_ entries: [(String, [UInt8])], to url: URL) {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try! FileHandle(forWritingTo: url)
        var writer = ZipWriter(handle: handle, options: .init(alignment: 1))
        for (name, bytes) in entries { try! writer.add(name, bytes: bytes) }
        try! writer.finish()
        try! handle.close()
    }

    /// Every file under the folder with its bytes: to show that nothing changed.
    static func snapshot(_ folder: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let walker = FileManager.default.enumerator(atPath: folder.path)!
        while let name = walker.nextObject() as? String {
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: folder.path + "/" + name, isDirectory: &isFolder)
            files[name] = isFolder.boolValue ? Data() : try! Data(contentsOf: folder.appendingPathComponent(name))
        }
        return files
    }
}
