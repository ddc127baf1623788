import Datasets
import Foundation
import ToonIO

/// A paired dataset made by every rank of a job: rank r makes the pairs i with i mod size = r, and
/// rank 0 writes them all in index order, so the file is the one a single process writes, byte for
/// byte. Other ranks send each pair as it is made (a header, then the samples); rank 0 receives them
/// on a thread of its own while it makes its share, keeping at most `window` pairs waiting.
public enum ShardedPairs {
    /// Pairs that may wait on rank 0 (a few chunks of the zip writer's 16).
    static let window = 64

    /// Writes `count` pairs from `make` to `url` (on rank 0; other ranks only make and send theirs).
    /// `progress` (rank 0) gets the pairs written so far.
    public static func write(to url: URL, count: Int, teacher: [String: String], world: MPIWorld,
                             progress: ((Int) -> Void)? = nil, _ make: (Int) throws(ToonIOError) -> ImagePair) throws {
        guard world.size > 1 else {
            try PairedDataset.write(to: url, count: count, teacher: teacher, progress: progress, make)
            return
        }
        if world.isRoot {
            let mailbox = Mailbox(capacity: window)
            let receiver = Thread {
                do {
                    for index in 0..<count where index % world.size != 0 {
                        mailbox.put(index, try receivePair(from: index % world.size, world: world))
                    }
                } catch {
                    mailbox.fail(error)
                }
            }
            receiver.start()
            try PairedDataset.write(to: url, count: count, teacher: teacher, progress: progress) { index throws(ToonIOError) in
                if index % world.size == 0 { return try make(index) }
                switch mailbox.take(index) {
                case .success(let pair): return pair
                case .failure(let error): throw ToonIOError(url: url, .write(.failed(error.description)))
                }
            }
        } else {
            let mine = Array(stride(from: world.rank, to: count, by: world.size))
            for start in stride(from: 0, to: mine.count, by: 16) {
                let chunk = Array(mine[start..<min(mine.count, start + 16)])
                for pair in try ParallelItems.make(chunk, make) { try sendPair(pair, world: world) }
            }
        }
    }

    static func sendPair(_ pair: ImagePair, world: MPIWorld) throws(ClusterError) {
        let (real, toon) = (pair.real, pair.toon)
        let header = [pair.degree] + [real.width, real.height, real.channels, toon.width, toon.height, toon.channels].map(Float.init)
        try world.send(header, to: 0)
        try world.send(real.samples + toon.samples, to: 0)
    }

    static func receivePair(from source: Int, world: MPIWorld) throws(ClusterError) -> ImagePair {
        let header = try world.receive(7, from: source)
        let sizes = header.dropFirst().map { Int($0) }
        guard sizes.allSatisfy({ $0 > 0 && $0 <= 1 << 16 }), sizes[2] <= 4, sizes[5] <= 4 else {
            throw ClusterError("rank \(source) sent a malformed pair header \(header)")
        }
        let realCount = sizes[0] * sizes[1] * sizes[2], toonCount = sizes[3] * sizes[4] * sizes[5]
        let samples = try world.receive(realCount + toonCount, from: source)
        return ImagePair(real: Image(width: sizes[0], height: sizes[1], channels: sizes[2], samples: Array(samples[..<realCount])),
                         toon: Image(width: sizes[3], height: sizes[4], channels: sizes[5], samples: Array(samples[realCount...])),
                         degree: header[0])
    }
}

/// Pairs received ahead of the writer, by index; `put` waits while `capacity` are waiting.
private final class Mailbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var waiting: [Int: ImagePair] = [:]
    private var failure: ClusterError?
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func put(_ index: Int, _ pair: ImagePair) {
        condition.lock()
        while waiting.count >= capacity { condition.wait() }
        waiting[index] = pair
        condition.broadcast()
        condition.unlock()
    }

    func fail(_ error: Error) {
        condition.lock()
        failure = (error as? ClusterError) ?? ClusterError("\(error)")
        condition.broadcast()
        condition.unlock()
    }

    func take(_ index: Int) -> Result<ImagePair, ClusterError> {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let pair = waiting.removeValue(forKey: index) {
                condition.broadcast()
                return .success(pair)
            }
            if let failure { return .failure(failure) }
            condition.wait()
        }
    }
}
