import Foundation

/// Streams frames into an animated GIF (GIF89a), each frame with its own palette of up to 256 colours.
///
/// Each `append` quantises, compresses and writes one frame, so memory is that of one frame
/// whatever the length. The file is assembled under a temporary name and renamed by `finish()`.
public final class GIFWriter: VideoWriter {
    public let url: URL
    public let width: Int
    public let height: Int
    /// Hundredths of a second each frame is shown.
    public let frameDelay: Int
    /// Floyd–Steinberg dithering for frames with more than 256 colours.
    public let dither: Bool
    /// Frames written so far.
    public private(set) var frameCount = 0
    private let file: PartialFile

    /// Opens `url` for `width` x `height` frames shown `frameDelay` hundredths of a second each.
    /// `loop` is the NETSCAPE repeat count: 0 repeats forever, nil plays once.
    ///
    /// Most browsers show delays below 2 as 10, so `frameDelay(fps:)` never returns less than 2.
    public init(url: URL, width: Int, height: Int, frameDelay: Int, loop: Int? = 0, dither: Bool = true) throws(ToonIOError) {
        guard (1...65_535).contains(width), (1...65_535).contains(height) else {
            throw ToonIOError(url: url, .video(.invalidDimensions(width: width, height: height, limit: 65_535)))
        }
        precondition((0...65_535).contains(frameDelay), "GIF frame delay \(frameDelay) is outside 0...65535")
        precondition(loop.map { (0...65_535).contains($0) } ?? true, "GIF loop count \(loop!) is outside 0...65535")
        self.url = url
        self.width = width
        self.height = height
        self.frameDelay = frameDelay
        self.dither = dither
        file = try PartialFile(destination: url)
        var start = GIFBlocks.header(width: width, height: height)
        if let loop { start += GIFBlocks.loopExtension(loop) }
        try file.write(start)
    }

    /// The delay in hundredths of a second closest to `fps` frames per second (at least 2).
    public static func frameDelay(fps: Double) -> Int {
        precondition(fps > 0, "frame rate \(fps) must be positive")
        return min(65_535, max(2, Int((100 / fps).rounded())))
    }

    public func append(_ frame: RGBFrame) throws(ToonIOError) {
        guard frame.width == width, frame.height == height else {
            throw ToonIOError(url: url, .video(.frameSize(expected: "\(width)x\(height)", got: frame.sizeDescription)))
        }
        try file.write(Self.encode(frame, delay: frameDelay, dither: dither))
        frameCount += 1
    }

    public func finish() throws(ToonIOError) {
        try file.write(GIFBlocks.trailer)
        try file.commit()
    }

    public func cancel() {
        file.discard()
    }

    /// One frame's bytes: graphic control extension, image descriptor with local colour table,
    /// LZW minimum code size and the compressed indexes in sub-blocks.
    static func encode(_ frame: RGBFrame, delay: Int, dither: Bool) -> [UInt8] {
        let palette: [GIFColor]
        let indexes: [UInt8]
        if let exact = GIFPaletteBuilder.exactColors(of: frame) {
            palette = exact
            indexes = GIFFrameIndexer.exactIndexes(frame, palette: exact)
        } else {
            palette = GIFPaletteBuilder.quantized(frame)
            indexes = GIFFrameIndexer.nearestIndexes(frame, palette: palette, dither: dither)
        }
        let tableBits = GIFBlocks.tableBits(forColorCount: palette.count)
        // The spec's smallest LZW code size is 2, even for a two-colour table.
        let minimumCodeSize = max(2, tableBits)
        var out = GIFBlocks.graphicControl(delay: delay)
        out += GIFBlocks.image(width: frame.width, height: frame.height, palette: palette, tableBits: tableBits)
        out.append(UInt8(minimumCodeSize))
        out += GIFLZW.subBlocks(GIFLZW.encode(indexes, minimumCodeSize: minimumCodeSize))
        return out
    }
}
