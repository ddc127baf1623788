import ToonCore
import ToonIO

/// Items made on several threads at once, in the order of their indices.
package enum ParallelItems {
    /// `make(index)` for each of `indices`, in parallel; the first failure in index order is thrown.
    package static func make<Item>(_ indices: [Int], _ make: (Int) throws(ToonIOError) -> Item) throws(ToonIOError) -> [Item] {
        var results = [Result<Item, ToonIOError>?](repeating: nil, count: indices.count)
        results.withUnsafeMutableBufferPointer { slots in
            Parallel.forEach(indices.count, grain: 1) { part in
                for k in part {
                    slots[k] = Result { () throws(ToonIOError) -> Item in try make(indices[k]) }
                }
            }
        }
        var made: [Item] = []
        made.reserveCapacity(indices.count)
        for result in results { made.append(try result!.get()) }
        return made
    }
}
