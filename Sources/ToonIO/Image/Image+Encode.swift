import CImage
import Foundation
import ToonCore

extension Image {
    /// Writes the image atomically (temporary file, then rename). Without a format, the extension
    /// decides: .png (16-bit when `bitDepth` is 16), .jpg or .jpeg (quality 95).
    public func write(to url: URL, format: ImageFormat? = nil) throws(ToonIOError) {
        let path = url.path
        guard let format = format ?? ImageFormat(fileExtension: url.pathExtension, bitDepth: bitDepth) else {
            throw ToonIOError(file: path, .image(.unknownExtension(url.pathExtension)))
        }
        let bytes = try encoded(as: format, path: path)
        do {
            try AtomicFile.write(Data(bytes), to: url)
        } catch {
            // An image write reports an image problem; the reason is the atomic write's.
            guard case .write(.failed(let reason)) = error.problem else { throw error }
            throw ToonIOError(file: path, .image(.cannotWrite(reason)))
        }
    }

    /// The bytes of the image encoded as `format`; `path` names the destination in errors.
    public func encoded(as format: ImageFormat, path: String = "<memory>") throws(ToonIOError) -> [UInt8] {
        var buffer = toon_image_buffer()
        defer { toon_image_free_buffer(&buffer) }
        var message = [CChar](repeating: 0, count: 256)
        let capacity = message.count
        let status: toon_image_status
        switch format {
        case .png, .png16:
            let sixteen = format == .png16
            let pixels = sixteen ? AnyInterleaved.words(interleaved(bits: 16)) : .bytes(interleaved(bits: 8))
            status = message.withUnsafeMutableBufferPointer { text in
                pixels.withRaw { raw in
                    toon_png_encode(raw, UInt32(width), UInt32(height), UInt32(channels), sixteen ? 16 : 8,
                                    &buffer, text.baseAddress, capacity)
                }
            }
        case .jpeg(let quality):
            guard channels == 1 || channels == 3 else {
                throw ToonIOError(file: path, .image(.unsupported(
                    "JPEG cannot store an alpha channel (\(channels) channels); drop it with droppingAlpha()")))
            }
            guard (1...100).contains(quality) else {
                throw ToonIOError(file: path, .image(.unsupported("JPEG quality \(quality) is outside 1...100")))
            }
            let pixels: [UInt8] = interleaved(bits: 8)
            status = message.withUnsafeMutableBufferPointer { text in
                toon_jpeg_encode(pixels, UInt32(width), UInt32(height), UInt32(channels), Int32(quality),
                                 &buffer, text.baseAddress, capacity)
            }
        }
        guard status == TOON_IMAGE_OK else {
            let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            let problem: ToonIOError.ImageProblem = switch status {
            case TOON_IMAGE_TOO_LARGE: .tooLarge(width: width, height: height)
            case TOON_IMAGE_NO_MEMORY: .outOfMemory
            default: .cannotWrite(text)
            }
            throw ToonIOError(file: path, .image(problem))
        }
        return Array(UnsafeBufferPointer(start: buffer.bytes, count: buffer.count))
    }

    /// Interleaved integer samples by the `Quantization` rule for 0...1.
    func interleaved<Code: FixedWidthInteger & UnsignedInteger>(bits: Int) -> [Code] {
        let rule = Quantization(range: 0...1, bits: bits)
        let plane = width * height
        var codes = [Code](repeating: 0, count: channels * plane)
        samples.withUnsafeBufferPointer { source in
            codes.withUnsafeMutableBufferPointer { out in
                let source = source.baseAddress!, out = out.baseAddress!
                Parallel.forEach(height, grain: max(1, 65_536 / (width * channels))) { rows in
                    for y in rows {
                        for x in 0..<width {
                            let pixel = out + (y * width + x) * channels
                            for c in 0..<channels { pixel[c] = Code(rule.code(source[c * plane + y * width + x])) }
                        }
                    }
                }
            }
        }
        return codes
    }
}

/// 8 or 16-bit interleaved samples handed to the C encoder as raw memory.
private enum AnyInterleaved {
    case bytes([UInt8])
    case words([UInt16])

    func withRaw<R>(_ body: (UnsafeRawPointer) -> R) -> R {
        switch self {
        case .bytes(let codes): codes.withUnsafeBytes { body($0.baseAddress!) }
        case .words(let codes): codes.withUnsafeBytes { body($0.baseAddress!) }
        }
    }
}
