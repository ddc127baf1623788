import ToonCore
import ToonIO

/// A photo made into what the projector aims at, as NVLabs' `projector.py` loads its target:
/// RGB (PIL's convert), the largest centred square, a Lanczos resize to the network's resolution,
/// and 8-bit codes (the uint8 array NVLabs keeps), as [1, 3, R, R] in [-1, 1].
public enum ProjectionTarget {
    public static func tensor(from image: Image, resolution: Int) -> Tensor {
        let square = image.rgb().centredSquare().resized(width: resolution, height: resolution, filter: .lanczos3)
        let bytes = Quantization(range: 0...1)
        var codes = square.samples
        for i in codes.indices { codes[i] = bytes.code(codes[i]) / 127.5 - 1 }
        return Tensor(shape: [1, 3, resolution, resolution], scalars: codes)
    }
}
