import Foundation
import Testing
@testable import ToonIO
import ToonTestSupport

@Suite("Zip entries: stored and deflated contents", .computeFromEnvironment)
struct ZipDeflateTests {
    /// Made with Python's zipfile (ZIP_DEFLATED): img/a.png, a 16 x 16 PNG whose pixel (x, y) is
    /// (16x, 16y, 8(x + y)), and notes.txt, 10000 letters 'a' (28 bytes deflated: more inflated than
    /// the whole archive holds).
    static let deflatedZip: [UInt8] = Array(Data(base64Encoded: "UEsDBBQAAAAIAOqWg13VCHmvMwIAAC4CAAAJAAAAaW1nL2EucG5nAS4C0f2JUE5HDQoaCgAAAA1JSERSAAAAEAAAABAIAgAAAJCRaDYAAAH1SURBVHjaDcqRouxADADQ4MXBxcHFYDFYDBaDxWAxWAwWg8Xg4uDi4OLgw/mE18MHAKDAX4WC8CKoDG8BVFgMyGEN4IStgXTYB+iE4+l/pZRaXlgqlTcXlLJoISurF46yZZFW9l50lGMWA6hPf9Vasb6pItdFKmldrbLXLapk3VvVXo9RbdYTAF8Fn/5GRMKFkQRXRTbcHCVwT9SGR0cbeE50AKqF3pWevhAR0yrESpuROO1BmnQ0sk7nIJ90AfC7MFZekJ++MrPwpizGu7MGH8nW+Ozsg6/JASBYZKlCKCvJ0zcRUdlN1OUIsZSziXe5hsSUG0CXolR1RWXSjfXpu6qaHq4WeqZ606trDL2nJoBRsbUao21kwraLPf0wM7czzNOuZtHtHpbTPgC+FufqG7qQ7+wqfqg//XT38Cs9mt/dc/hnegMILrHVEIydQjkOCdM4LZ5+RUTG3SJ7fEa0GV+A3EpKzR1TKQ9Okzw13fLyfPqdmS0/PdvI78wO0KS0vTbFdlAzbqc013ZZC293tKd/Wmu9fUfrs/0A+l661n5gN+ond5d+aQ/rt/eM/sn+9G/vffTf7ANgaBlHHYbjpOE8Lhmh47aRPj4xWo5vG0//jTHm+AcwjzKtzhOn07x4hsxbZ9r8+Gwxvzl7m78+n/5vzvkfxUFoEBF/0okAAAAASUVORK5CYIJQSwMEFAAAAAgA6paDXZfUfkYcAAAAECcAAAkAAABub3Rlcy50eHTtwQENAAAAwqCs71/CHG5AAQAAAAAAAAAAwL8BUEsBAhQDFAAAAAgA6paDXdUIea8zAgAALgIAAAkAAAAAAAAAAAAAAIABAAAAAGltZy9hLnBuZ1BLAQIUAxQAAAAIAOqWg12X1H5GHAAAABAnAAAJAAAAAAAAAAAAAACAAVoCAABub3Rlcy50eHRQSwUGAAAAAAIAAgBuAAAAnQIAAAAA")!)

    func archive(_ bytes: [UInt8]) throws -> ZipArchive {
        try ZipArchive(FileBytes(name: "test.zip", copying: bytes).all, source: "test.zip")
    }

    /// The central directory's uncompressed size field of `name` (the last time the name occurs).
    func sizeField(of name: String, in bytes: [UInt8]) -> Int {
        let pattern = Array(name.utf8)
        let at = (0...(bytes.count - pattern.count)).last { bytes[$0..<($0 + pattern.count)].elementsEqual(pattern) }!
        return at - 46 + 24
    }

    @Test("deflated entries inflate to their declared bytes, even past the archive's size")
    func inflates() throws {
        let zip = try archive(Self.deflatedZip)
        let notes = try #require(zip.entry(named: "notes.txt"))
        #expect(notes.method == 8)
        #expect(try zip.contents(of: notes, limit: 10_000) == [UInt8](repeating: UInt8(ascii: "a"), count: 10_000))
        let image = try Image.decode(try zip.contents(of: try #require(zip.entry(named: "img/a.png")), limit: 1 << 20))
        #expect(image.width == 16 && image.channels == 3)
        #expect((0..<3).map { Int((image.sample(channel: $0, x: 3, y: 5) * 255).rounded()) } == [48, 80, 64])
    }

    @Test("over the limit, a wrong declared size or damaged data is an error naming the entry")
    func refuses() throws {
        let zip = try archive(Self.deflatedZip)
        let notes = try #require(zip.entry(named: "notes.txt"))
        #expect(throws: ToonIOError.self) { try zip.contents(of: notes, limit: 9_999) }

        var short = Self.deflatedZip
        let field = sizeField(of: "notes.txt", in: short)
        short[field] = 0x28; short[field + 1] = 0x23   // 9000 where the data holds 10000
        do {
            _ = try archive(short).contents(of: try #require(archive(short).entry(named: "notes.txt")), limit: 1 << 20)
            Issue.record("a declared size smaller than the data must fail")
        } catch let error as ToonIOError {
            #expect(error.description.contains("notes.txt") && error.description.contains("more than the 9000 bytes"), "\(error)")
        }

        var long = Self.deflatedZip
        long[field] = 0x10; long[field + 1] = 0x27; long[field + 2] = 0x01   // 75536: more than the data holds
        #expect(throws: ToonIOError.self) {
            try archive(long).contents(of: try #require(archive(long).entry(named: "notes.txt")), limit: 1 << 20)
        }

        // Damage the compressed PNG: it must not come back as if whole.
        var damaged = Self.deflatedZip
        for i in 60..<90 { damaged[i] ^= 0x5A }
        let png = try #require(try archive(damaged).entry(named: "img/a.png"))
        let bytes = try? archive(damaged).contents(of: png, limit: 1 << 20)
        #expect(bytes == nil || (try? Image.decode(bytes!)) == nil)
    }
}
