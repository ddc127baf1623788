import Foundation
import Testing
import ToonTestSupport
@testable import ToonIO

/// Writes `frames` to a GIF in a fresh folder and returns its bytes and the folder.
private func writeGIF(_ frames: [RGBFrame], delay: Int = 4, loop: Int? = 0, dither: Bool = true) throws -> [UInt8] {
    let folder = videoTestFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("clip.gif")
    let writer = try GIFWriter(url: url, width: frames[0].width, height: frames[0].height,
                               frameDelay: delay, loop: loop, dither: dither)
    for frame in frames { try writer.append(frame) }
    try writer.finish()
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["clip.gif"])
    return Array(try Data(contentsOf: url))
}

@Suite("Video GIF structure", .computeFromEnvironment)
struct VideoGIFStructureTests {
    @Test("header, screen size, loop extension, one descriptor per frame and the trailer are where GIF89a puts them")
    func byteLayout() throws {
        let frames = (0..<3).map { VideoTestFrames.movingSquare(width: 40, height: 30, frame: $0) }
        let bytes = try writeGIF(frames, delay: 7, loop: 3)
        #expect(Array(bytes[0..<6]) == Array("GIF89a".utf8))
        #expect(Array(bytes[6..<10]) == [40, 0, 30, 0])
        #expect(bytes[10] & 0x80 == 0, "no global colour table")
        let netscape: [UInt8] = [0x21, 0xFF, 11] + Array("NETSCAPE2.0".utf8) + [3, 1, 3, 0, 0]
        #expect(Array(bytes[13..<13 + netscape.count]) == netscape)
        #expect(bytes.last == 0x3B)

        let gif = try VideoGIFDecoder(bytes)
        #expect(gif.sawTrailer)
        #expect(gif.frames.count == 3)
        #expect(gif.loop == 3)
        #expect(gif.frames.allSatisfy { $0.delay == 7 })
        #expect(gif.frames.map(\.image) == frames)
    }

    @Test("without a loop count no NETSCAPE extension is written, so the animation plays once")
    func playOnce() throws {
        let bytes = try writeGIF([VideoTestFrames.movingSquare(width: 16, height: 16, frame: 0)], loop: nil)
        #expect(bytes[13] == 0x21 && bytes[14] == 0xF9, "the graphic control extension follows the screen descriptor")
        #expect(try VideoGIFDecoder(bytes).loop == nil)
    }

    @Test("frame delay from fps rounds to hundredths and never drops below the 2 browsers honour")
    func delayFromFPS() {
        #expect(GIFWriter.frameDelay(fps: 25) == 4)
        #expect(GIFWriter.frameDelay(fps: 30) == 3)
        #expect(GIFWriter.frameDelay(fps: 10) == 10)
        #expect(GIFWriter.frameDelay(fps: 120) == 2)
    }

    @Test("the same frames always give the same bytes")
    func deterministic() throws {
        let frames = [VideoTestFrames.gradient(width: 48, height: 32), VideoTestFrames.noise(width: 48, height: 32, colors: 300, seed: 5)]
        #expect(try writeGIF(frames) == writeGIF(frames))
    }

    @Test("a frame of the wrong size is refused with the file named")
    func wrongSize() throws {
        let folder = videoTestFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("sized.gif")
        let writer = try GIFWriter(url: url, width: 8, height: 8, frameDelay: 4)
        #expect {
            try writer.append(RGBFrame(width: 9, height: 8, color: .black))
        } throws: { error in
            "\(error)".contains("sized.gif") && "\(error)".contains("9x8")
        }
    }
}

@Suite("Video GIF LZW", .computeFromEnvironment)
struct VideoGIFLZWTests {
    @Test("frames with up to 256 colours come back exactly through the independent decoder",
          arguments: [1, 2, 3, 5, 16, 17, 129, 256])
    func exactRoundTrip(colors: Int) throws {
        let frames = (0..<2).map { VideoTestFrames.noise(width: 37, height: 23, colors: colors, seed: UInt64(colors * 10 + $0)) }
        let gif = try VideoGIFDecoder(writeGIF(frames))
        #expect(gif.frames.map(\.image) == frames)
        let tableEntries = 1 << GIFBlocks.tableBits(forColorCount: colors)
        #expect(gif.frames.allSatisfy { $0.palette.count == tableEntries * 3 })
    }

    @Test("raw LZW streams round-trip for every minimum code size", arguments: 2...8)
    func rawRoundTrip(minimumCodeSize: Int) throws {
        var random = TestRandom(seed: UInt64(minimumCodeSize))
        // Runs and noise mixed, so the table holds both long and short strings.
        var indexes: [UInt8] = []
        while indexes.count < 20_000 {
            let symbol = UInt8(random.below(1 << minimumCodeSize))
            indexes += [UInt8](repeating: symbol, count: random.below(3) == 0 ? random.below(40) + 1 : 1)
        }
        let packed = GIFLZW.encode(indexes, minimumCodeSize: minimumCodeSize)
        let decoded = try VideoGIFDecoder.decompress(packed, minimumCodeSize: minimumCodeSize)
        #expect(decoded.indexes == indexes)
    }

    @Test("a large noisy frame grows codes to 12 bits and restarts the table with clear codes")
    func codeSizeGrowth() throws {
        let frame = VideoTestFrames.noise(width: 160, height: 120, colors: 256, seed: 99)
        let gif = try VideoGIFDecoder(writeGIF([frame]))
        #expect(gif.frames[0].image == frame)
        #expect(gif.frames[0].maximumCodeSize == 12)
        // 19,200 noisy pixels need about one code each, so the 3,838-code table fills several times.
        #expect(gif.frames[0].clearCodes >= 4)
    }

    @Test("a one-pixel frame and a single-colour frame are valid streams")
    func tinyFrames() throws {
        let one = RGBFrame(width: 1, height: 1, color: RGBFrame.Color(red: 1, green: 2, blue: 3))
        #expect(try VideoGIFDecoder(writeGIF([one])).frames[0].image == one)
        let flat = RGBFrame(width: 300, height: 200, color: .white)
        #expect(try VideoGIFDecoder(writeGIF([flat])).frames[0].image == flat)
    }

    @Test("sub-blocks hold at most 255 bytes and end with an empty block")
    func subBlocks() {
        let data = (0..<600).map { UInt8($0 & 0xFF) }
        let blocks = GIFLZW.subBlocks(data)
        #expect(blocks.count == 600 + 3 + 1)
        #expect(blocks[0] == 255 && blocks[256] == 255 && blocks[512] == 90 && blocks.last == 0)
    }
}
