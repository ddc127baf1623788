import Foundation

/// How to encode an image when writing it.
public enum ImageFormat: Equatable, Sendable {
    /// 8-bit PNG (lossless for 8-bit sources).
    case png
    /// 16-bit PNG.
    case png16
    /// Baseline JPEG, 4:2:0 chroma, `quality` in 1...100; gray or RGB only.
    case jpeg(quality: Int = 95)

    /// The format a file name asks for: .png keeps 16 bits when `bitDepth` is 16; .jpg and .jpeg
    /// give quality 95. Nil for anything else.
    public init?(fileExtension: String, bitDepth: Int = 8) {
        switch fileExtension.lowercased() {
        case "png": self = bitDepth == 16 ? .png16 : .png
        case "jpg", "jpeg": self = .jpeg()
        default: return nil
        }
    }
}

extension ImageCodec {
    /// The codec named by the first bytes of a file; the extension is never consulted, because
    /// dataset folders are full of JPEGs named .png and the reverse.
    static func detect(_ bytes: UnsafeRawBufferPointer) -> ImageCodec? {
        // A file cut inside a signature is still recognisably that format (reported as truncated).
        func starts(with signature: [UInt8]) -> Bool {
            !bytes.isEmpty && zip(bytes, signature).allSatisfy { $0 == $1 }
        }
        if starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        return nil
    }
}
