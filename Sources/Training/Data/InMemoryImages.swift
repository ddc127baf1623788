import ToonCore

/// Training images held as one tensor [N, C, R, R] in -1...1: for tests, and for callers that make
/// their images in code.
public struct InMemoryImages: TrainingImages {
    public let images: Tensor
    /// [N, labelDimension], or nil for unlabelled images.
    public let labelRows: Tensor?

    public init(_ images: Tensor, labels: Tensor? = nil) {
        precondition(images.rank == 4 && images.shape[2] == images.shape[3], "images \(images.shape) are not [N, C, R, R]")
        precondition(labels.map { $0.rank == 2 && $0.shape[0] == images.shape[0] } ?? true, "labels \(labels?.shape ?? []) are not [N, D]")
        self.images = images
        labelRows = labels
    }

    public var labelDimension: Int { labelRows?.shape[1] ?? 0 }

    public func labels(_ indices: [Int]) -> Tensor? {
        labelRows?.rows(indices)
    }

    public var count: Int { images.shape[0] }
    public var resolution: Int { images.shape[2] }
    public var channels: Int { images.shape[1] }

    public func batch(_ indices: [Int], mirrored: [Bool]) -> Tensor {
        let parts = zip(indices, mirrored).map { i, flip in
            let image = images.slice(axis: 0, i..<(i + 1))
            return flip ? image.flipped(axes: [3]) : image
        }
        return Tensor.concatenate(parts, axis: 0)
    }
}
