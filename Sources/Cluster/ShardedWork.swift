/// Independent pieces of work spread over a job's ranks: piece i runs on rank i mod size, and rank 0
/// receives every piece's numbers in index order. With the same pieces as one process, each computed
/// the same way, the gathered result is one process's, bit for bit.
public enum ShardedWork {
    /// Rank 0 (or a process alone): every piece's result in order. Other ranks: nil, after sending
    /// theirs. `progress` (rank 0) gets the pieces gathered so far.
    public static func gather(count: Int, world: MPIWorld?, progress: (Int) -> Void = { _ in },
                              _ piece: (Int) throws -> [Float]) throws -> [[Float]]? {
        guard let world, world.size > 1 else {
            return try (0..<count).map { index in
                defer { progress(index + 1) }
                return try piece(index)
            }
        }
        guard world.isRoot else {
            for index in stride(from: world.rank, to: count, by: world.size) {
                let values = try piece(index)
                try world.send(lengthHeader(values.count), to: 0)
                try world.send(values, to: 0)
            }
            return nil
        }
        var results: [[Float]] = []
        results.reserveCapacity(count)
        for index in 0..<count {
            let source = index % world.size
            if source == 0 {
                results.append(try piece(index))
            } else {
                let length = try world.receive(2, from: source)
                results.append(try world.receive(Int(length[0]) + Int(length[1]) << 24, from: source))
            }
            progress(index + 1)
        }
        return results
    }

    /// A count as two floats of 24 bits each (every integer below 2^24 is exact in a Float).
    static func lengthHeader(_ count: Int) -> [Float] {
        [Float(count & 0xFF_FFFF), Float(count >> 24)]
    }
}
