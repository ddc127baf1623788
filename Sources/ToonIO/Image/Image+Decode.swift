import CImage
import Foundation
import ToonCore

extension Image {
    /// Reads a PNG or JPEG, telling them apart by their first bytes, never by the extension.
    public static func read(from url: URL) throws(ToonIOError) -> Image {
        let bytes = try ImageFileBytes.read(url)
        return try decode(bytes, path: url.path)
    }

    /// Decodes PNG or JPEG bytes held in memory; `path` names the source in errors.
    public static func decode(_ bytes: [UInt8], path: String = "<memory>") throws(ToonIOError) -> Image {
        if bytes.isEmpty { throw ToonIOError(file: path, .image(.empty)) }
        guard let codec = bytes.withUnsafeBytes({ ImageCodec.detect($0) }) else {
            throw ToonIOError(file: path, .image(.notAnImage))
        }
        var decoded = toon_decoded_image()
        var message = [CChar](repeating: 0, count: 256)
        let capacity = message.count
        let status = bytes.withUnsafeBufferPointer { input in
            message.withUnsafeMutableBufferPointer { text in
                switch codec {
                case .png: toon_png_decode(input.baseAddress, input.count, &decoded, text.baseAddress, capacity)
                case .jpeg: toon_jpeg_decode(input.baseAddress, input.count, &decoded, text.baseAddress, capacity)
                }
            }
        }
        defer { toon_image_free_pixels(&decoded) }
        if status != TOON_IMAGE_OK {
            let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw ToonIOError(file: path, .image(problem(status, codec: codec, message: text, decoded: decoded)))
        }
        return planar(decoded)
    }

    private static func problem(_ status: toon_image_status, codec: ImageCodec, message: String,
                                decoded: toon_decoded_image) -> ToonIOError.ImageProblem {
        switch status {
        case TOON_IMAGE_TRUNCATED: .truncated(codec)
        case TOON_IMAGE_TOO_LARGE: .tooLarge(width: Int(decoded.width), height: Int(decoded.height))
        case TOON_IMAGE_UNSUPPORTED: .unsupported(message)
        case TOON_IMAGE_NO_MEMORY: .outOfMemory
        default: .corrupt(codec, message)
        }
    }

    /// Spreads interleaved 8 or 16-bit samples into planar floats in 0...1.
    private static func planar(_ decoded: toon_decoded_image) -> Image {
        let width = Int(decoded.width), height = Int(decoded.height), channels = Int(decoded.channels)
        let sixteen = decoded.bit_depth == 16
        var samples = [Float](repeating: 0, count: channels * height * width)
        let source = UnsafeRawPointer(decoded.pixels!)
        if sixteen {
            spread(source.assumingMemoryBound(to: UInt16.self), into: &samples, width: width, height: height,
                   channels: channels) { Float($0) / 65535 }
        } else {
            // Division, not multiplication by a reciprocal, so code k reads back as the float nearest
            // k/255 and quantising it again gives k.
            let table = (0..<256).map { Float($0) / 255 }
            spread(source.assumingMemoryBound(to: UInt8.self), into: &samples, width: width, height: height,
                   channels: channels) { table[Int($0)] }
        }
        return Image(width: width, height: height, channels: channels, samples: samples,
                     bitDepth: sixteen ? 16 : 8)
    }

    private static func spread<Code>(_ source: UnsafePointer<Code>, into samples: inout [Float], width: Int,
                                     height: Int, channels: Int, _ value: (Code) -> Float) {
        let plane = width * height
        samples.withUnsafeMutableBufferPointer { out in
            let out = out.baseAddress!
            Parallel.forEach(height, grain: max(1, 65_536 / (width * channels))) { rows in
                for y in rows {
                    for x in 0..<width {
                        let pixel = source + (y * width + x) * channels
                        for c in 0..<channels { out[c * plane + y * width + x] = value(pixel[c]) }
                    }
                }
            }
        }
    }
}
