import Foundation
import StyleGAN
import ToonCore
import ToonIO

/// `--projected-w`: a .npy of w or w+ from a projection. Only float arrays of finite values with at
/// least one w are taken: an integer array is not a projection's output (it would render as
/// noise), and NaN or an empty array would give black images or nothing, with exit status 0.
enum ProjectedW {
    static func read(_ path: String, for generator: Generator) throws -> Tensor {
        let url = URL(fileURLWithPath: path)
        let file = try MappedFile(url: url)
        let header = try NPYHeader.parse(file.bytes, url: url)
        let kind = header.descr.dropFirst().first
        guard kind == "f" else {
            throw RunFailure("\(path): holds \(ToonIOError.quoted(header.descr)) values; a projected w is a float array (float32 or float64)")
        }
        let raw = try NPY.decode(file.bytes, url: url)
        guard raw.shape.allSatisfy({ $0 > 0 }) else { throw RunFailure("\(path): holds no w vectors (shape \(header.shape))") }
        if let bad = raw.withUnsafeBufferPointer({ $0.firstIndex { !$0.isFinite } }) {
            throw RunFailure("\(path): value \(bad) is \(raw.scalars[bad].isNaN ? "NaN" : "infinite"); a projected w must be finite")
        }
        let ws: Tensor
        do { ws = try generator.validatedWs(raw) } catch {
            throw RunFailure("\(path): \(error)")
        }
        return ws
    }
}
