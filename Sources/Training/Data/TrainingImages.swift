import ToonCore

/// What training reads: square images of one resolution, in a fixed order.
public protocol TrainingImages: Sendable {
    var count: Int { get }
    var resolution: Int { get }
    var channels: Int { get }
    /// Images `indices` as [n, channels, R, R] in -1...1; `mirrored[i]` flips image i left-right.
    func batch(_ indices: [Int], mirrored: [Bool]) -> Tensor
    /// Length of each image's label vector (one-hot class or NVLabs' float vector); 0 without labels.
    var labelDimension: Int { get }
    /// Labels of images `indices` as [n, labelDimension]; nil without labels.
    func labels(_ indices: [Int]) -> Tensor?
}

/// Which images each step sees: epochs of a seeded permutation over the data (twice its size with
/// `--mirror`, the second half flipped, as NVLabs' xflip). Item k of the run is a function of k alone.
struct DataOrder: Sendable {
    let count: Int
    let mirror: Bool
    let random: TrainingRandom

    var virtualCount: Int { mirror ? count * 2 : count }

    /// Items first..<first+n of the run as (image index, mirrored).
    func items(from first: Int, count n: Int, cache: inout (epoch: Int, order: [Int])?) -> [(index: Int, mirrored: Bool)] {
        (first..<(first + n)).map { k in
            let epoch = k / virtualCount
            if cache?.epoch != epoch { cache = (epoch, random.permutation(count: virtualCount, epoch: epoch)) }
            let v = cache!.order[k % virtualCount]
            return (v % count, v >= count)
        }
    }
}

import Datasets

/// Prepared datasets (NVLabs' zip layout, or a folder of images) train as they are.
extension ImageDataset: TrainingImages {}
