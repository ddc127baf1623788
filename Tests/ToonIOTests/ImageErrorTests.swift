import Foundation
import Testing
import ToonTestSupport
@testable import ToonIO

@Suite("Image errors name the file and never crash", .computeFromEnvironment)
struct ImageErrorTests {
    let folder = imageTestFolder()

    private func file(_ name: String, _ bytes: [UInt8]) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    private func problem(reading url: URL) -> ToonIOError.ImageProblem? {
        do {
            _ = try Image.read(from: url)
            return nil
        } catch {
            #expect(error.file == url.path)
            #expect(error.description.hasPrefix(url.path + ": "))
            #expect(!error.description.contains("\n"))
            return error.imageProblem
        }
    }

    private func validPNG() throws -> [UInt8] {
        try imageWithRandomCodes(width: 24, height: 16, channels: 3, seed: 5).encoded(as: .png)
    }

    private func validJPEG() throws -> [UInt8] {
        try imageSmooth(width: 32, height: 24, channels: 3).encoded(as: .jpeg(quality: 90))
    }

    @Test("an empty file is reported as empty")
    func emptyFile() throws {
        #expect(problem(reading: try file("empty.png", [])) == .empty)
    }

    @Test("random bytes are not an image")
    func randomBytes() throws {
        var random = TestRandom(seed: 1)
        var bytes = random.bytes(500)
        bytes[0] = 0x42
        #expect(problem(reading: try file("noise.png", bytes)) == .notAnImage)
    }

    @Test("a missing file and a folder are unreadable, with the reason")
    func unreadable() throws {
        let missing = folder.appendingPathComponent("missing.png")
        #expect(problem(reading: missing) == .unreadable("no such file or directory"))
        #expect(problem(reading: folder) == .unreadable("is a folder"))
    }

    @Test("a PNG cut at any of several offsets is a truncated PNG", arguments: [1, 7, 8, 20, 33, 40, 60, -13, -12, -4, -1])
    func truncatedPNG(cut: Int) throws {
        let png = try validPNG()
        let keep = cut > 0 ? cut : png.count + cut
        let url = try file("cut\(keep).png", Array(png[0..<keep]))
        #expect(problem(reading: url) == .truncated(.png))
    }

    @Test("a JPEG cut short is a truncated JPEG", arguments: [3, 40, 200, 400, -2])
    func truncatedJPEG(cut: Int) throws {
        let jpeg = try validJPEG()
        let keep = cut > 0 ? cut : jpeg.count + cut
        let url = try file("cut\(keep).jpg", Array(jpeg[0..<keep]))
        #expect(problem(reading: url) == .truncated(.jpeg))
    }

    @Test("a JPEG with a bogus marker length is corrupt, with libjpeg's message")
    func corruptJPEG() throws {
        var jpeg = try validJPEG()
        // The first segment after SOI is APP0 (FF E0); a length of 2 is shorter than its own header.
        #expect(jpeg[2] == 0xFF && jpeg[3] == 0xE0)
        jpeg[3] = 0xC0
        jpeg[4] = 0
        jpeg[5] = 2
        let url = try file("bad.jpg", jpeg)
        let found = problem(reading: url)
        guard case .corrupt(.jpeg, let message)? = found else {
            Issue.record("expected a corrupt JPEG, got \(String(describing: found))")
            return
        }
        #expect(!message.isEmpty)
    }

    @Test("a PNG header declaring 100000x100000 is refused before decoding")
    func hugeDeclaredSize() throws {
        let png = ImageTestPNG.signature + ImageTestPNG.header(width: 100_000, height: 100_000, bitDepth: 8, colorType: 2)
            + ImageTestPNG.chunk("IDAT", ImageTestPNG.zlibStored([0, 0, 0, 0])) + ImageTestPNG.chunk("IEND", [])
        let url = try file("huge.png", png)
        #expect(problem(reading: url) == .tooLarge(width: 100_000, height: 100_000))
        #expect(throws: ToonIOError(file: url.path, .image(.tooLarge(width: 100_000, height: 100_000)))) {
            try Image.read(from: url)
        }
        do { _ = try Image.read(from: url) } catch {
            #expect(error.description == "\(url.path): image too large: 100000x100000")
        }
    }

    @Test("a PNG within the side limit but over 2^28 pixels is refused")
    func tooManyPixels() throws {
        let png = ImageTestPNG.signature + ImageTestPNG.header(width: 30_000, height: 30_000, bitDepth: 8, colorType: 0)
            + ImageTestPNG.chunk("IEND", [])
        #expect(problem(reading: try file("many.png", png)) == .tooLarge(width: 30_000, height: 30_000))
    }

    @Test("a PNG whose image data fails its CRC is corrupt")
    func badCRC() throws {
        var png = try validPNG()
        png[png.count - 13] ^= 0xFF   // last byte of the IDAT CRC
        guard case .corrupt(.png, _)? = problem(reading: try file("crc.png", png)) else {
            Issue.record("expected a corrupt PNG")
            return
        }
    }

    @Test("damaged PNG and JPEG bytes decode or fail with an image error, never crash")
    func fuzzedBytesNeverCrash() throws {
        var random = TestRandom(seed: 77)
        for original in [try validPNG(), try validJPEG()] {
            for _ in 0..<150 {
                var bytes = original
                for _ in 0..<(1 + Int(random.next() % 6)) {
                    bytes[2 + Int(random.next() % UInt64(bytes.count - 2))] = random.byte()
                }
                bytes.removeLast(Int(random.next() % 3) == 0 ? Int(random.next() % UInt64(bytes.count / 2)) : 0)
                do { _ = try Image.decode(bytes, path: "fuzz") } catch { #expect(error.file == "fuzz" && error.imageProblem != nil) }
            }
            for length in [0, 1, 2, 3, 4, 9, 16, 100] {
                let bytes = Array(original.prefix(3)) + random.bytes(length)
                do { _ = try Image.decode(bytes, path: "fuzz") } catch { #expect(error.file == "fuzz" && error.imageProblem != nil) }
            }
        }
    }

    @Test("writing into a missing folder fails, names the file and leaves nothing behind")
    func atomicWriteMissingFolder() throws {
        let url = folder.appendingPathComponent("absent/out.png")
        do {
            try Image(width: 2, height: 2, channels: 3, repeating: 0.5).write(to: url)
            Issue.record("expected an error")
        } catch {
            #expect(error.file == url.path)
            guard case .cannotWrite = error.imageProblem else { Issue.record("unexpected \(error)"); return }
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("absent").path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test("a failed write keeps the old file and leaves no partial file")
    func failedWriteKeepsOldFile() throws {
        let url = folder.appendingPathComponent("kept.jpg")
        let old = Image(width: 2, height: 2, channels: 3, repeating: 0.25)
        try old.write(to: url)
        let before = try Data(contentsOf: url)
        let error = #expect(throws: ToonIOError.self) {
            try Image(width: 2, height: 2, channels: 4, repeating: 1).write(to: url)   // JPEG has no alpha
        }
        #expect(error?.imageProblem != nil)
        #expect(try Data(contentsOf: url) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["kept.jpg"])
    }
}
