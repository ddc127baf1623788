import Foundation
import ToonCore
import ToonIO

/// A .npy named on the command line that must hold float values (float32 or float64), all finite:
/// an integer array is not a latent or a label set, and NaN would only surface as black images or
/// nonsense fits, with exit status 0.
enum FloatArrayFile {
    /// The array at `path`; `kind` names it in the one-line refusals ("a projected w").
    static func read(_ path: String, kind: String) throws -> Tensor {
        let url = URL(fileURLWithPath: path)
        let file = try MappedFile(url: url)
        let header = try NPYHeader.parse(file.bytes, url: url)
        guard header.descr.dropFirst().first == "f" else {
            throw RunFailure("\(path): holds \(ToonIOError.quoted(header.descr)) values; \(kind) is a float array (float32 or float64)")
        }
        let array = try NPY.decode(file.bytes, url: url)
        if let bad = array.withUnsafeBufferPointer({ $0.firstIndex { !$0.isFinite } }) {
            throw RunFailure("\(path): value \(bad) is \(array.scalars[bad].isNaN ? "NaN" : "infinite"); \(kind) must be finite")
        }
        return array
    }
}
