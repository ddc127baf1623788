import Foundation
import Testing
@testable import ToonIO
import ToonTestSupport

/// Pillow's reading of a GIF this encoder wrote, made by Tests/ToonIOTests/Reference/make_gif_reference.py.
private let referenceFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Reference")

/// Where the test leaves the GIF for the script to read.
let gifReferenceOutput = FileManager.default.temporaryDirectory.appendingPathComponent("toonkit-gif-reference.gif")

/// Two exact frames (few colours; 256 colours of noise, which forces 12-bit codes and clear codes)
/// and two quantised, dithered ones (a gradient; colour clusters).
func gifReferenceFrames() -> [RGBFrame] {
    [
        VideoTestFrames.movingSquare(width: 96, height: 64, frame: 2),
        VideoTestFrames.noise(width: 96, height: 64, colors: 256, seed: 21),
        VideoTestFrames.gradient(width: 96, height: 64),
        VideoTestFrames.clusters(width: 96, height: 64, seed: 22),
    ]
}

@Suite("Video GIF read by Pillow", .computeFromEnvironment)
struct VideoGIFReferenceTests {
    @Test("Pillow decodes our GIF to the frames our own decoder sees, and the exact ones to the input")
    func pillowAgrees() throws {
        let frames = gifReferenceFrames()
        let writer = try GIFWriter(url: gifReferenceOutput, width: 96, height: 64, frameDelay: 5, loop: 2)
        for frame in frames { try writer.append(frame) }
        try writer.finish()
        let bytes = Array(try Data(contentsOf: gifReferenceOutput))
        let gif = try VideoGIFDecoder(bytes)

        let json = try JSONSerialization.jsonObject(
            with: Data(contentsOf: referenceFolder.appendingPathComponent("gif_reference.json"))) as! [String: Any]
        let recorded = (json["gif_crc32"] as! NSNumber).uint32Value
        guard recorded == videoCRC32(bytes) else {
            Issue.record("""
                the encoder's output changed since Pillow checked it; if intended, regenerate:
                python3 Tests/ToonIOTests/Reference/make_gif_reference.py \(gifReferenceOutput.path)
                """)
            return
        }
        let pillowFrames = json["frames"] as! [[String: Any]]
        #expect(pillowFrames.count == frames.count)
        #expect((json["loop"] as! NSNumber).intValue == 2)
        #expect((json["width"] as! NSNumber).intValue == 96 && (json["height"] as! NSNumber).intValue == 64)
        for (i, pillow) in pillowFrames.enumerated() where i < frames.count {
            let pillowCRC = (pillow["rgb_crc32"] as! NSNumber).uint32Value
            #expect(pillowCRC == videoCRC32(gif.frames[i].image.pixels), "frame \(i)")
            #expect((pillow["duration_ms"] as! NSNumber).intValue == 50, "frame \(i)")
            if i < 2 { #expect(pillowCRC == videoCRC32(frames[i].pixels), "exact frame \(i)") }
        }
        #expect((json["first_palette_entries"] as! NSNumber).intValue == gif.frames[0].palette.count / 3)
    }

    @Test("the CRC-32 used for the checksums is zlib's")
    func crcMatchesZlib() {
        // zlib.crc32(b"123456789") == 0xCBF43926, the standard check value.
        #expect(videoCRC32(Array("123456789".utf8)) == 0xCBF4_3926)
    }
}
