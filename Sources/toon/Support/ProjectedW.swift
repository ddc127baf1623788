import Foundation
import StyleGAN
import ToonCore
import ToonIO

/// `--projected-w`: a .npy of w or w+ from a projection. Only float arrays of finite values with at
/// least one w are taken: an integer array is not a projection's output (it would render as
/// noise), and NaN or an empty array would give black images or nothing, with exit status 0.
enum ProjectedW {
    static func read(_ path: String, for generator: Generator) throws -> Tensor {
        let raw = try FloatArrayFile.read(path, kind: "a projected w")
        guard raw.shape.allSatisfy({ $0 > 0 }) else { throw RunFailure("\(path): holds no w vectors (shape \(raw.shape))") }
        let ws: Tensor
        do { ws = try generator.validatedWs(raw) } catch {
            throw RunFailure("\(path): \(error)")
        }
        return ws
    }
}
