import ToonCore

extension Tensor {
    /// Rows `indices` of a [N, ...] tensor, in that order (repeats allowed), as one dense tensor.
    func rows(_ indices: [Int]) -> Tensor {
        Tensor.concatenate(indices.map { slice(axis: 0, $0..<($0 + 1)) }, axis: 0).contiguous()
    }
}
