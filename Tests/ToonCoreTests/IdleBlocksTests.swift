import Testing
@testable import ToonCore

/// The storage pool's eviction rule, driven by simulated calls of models of different sizes (no
/// memory is mapped: addresses are counters). A call is a chain of layers, each making its output
/// and a temporary of the same size, as inference does; the measure is the fresh bytes mapped.
@Suite("Idle block bookkeeping of the storage pool")
struct IdleBlocksTests {
    static let mb = 1 << 20
    /// Two generator-like models whose size classes never serve each other (within 1.5x).
    static let large = [8, 8, 16, 16, 32, 32, 64, 64, 128, 128].map { $0 * mb }
    static let small = [5, 5, 10, 10, 20, 20, 40, 40, 80, 80].map { $0 * mb }

    /// A pool under a rule: `IdleBlocks`, or the least-recently-released eviction it replaced.
    struct Simulated {
        var blocks = IdleBlocks()
        var recentFirst: [(address: Int, bytes: Int)]? = nil
        let budget: Int
        var nextAddress = 1

        init(budget: Int, leastRecentlyReleased: Bool = false) {
            self.budget = budget
            if leastRecentlyReleased { recentFirst = [] }
        }

        mutating func take(_ size: Int) -> (address: Int, bytes: Int, fresh: Bool) {
            if var idle = recentFirst {
                let fits = idle.indices.filter { idle[$0].bytes >= size && idle[$0].bytes <= size + size / 2 }
                if let best = fits.min(by: { idle[$0].bytes < idle[$1].bytes }) {
                    let block = idle.remove(at: best)
                    recentFirst = idle
                    return (block.address, block.bytes, false)
                }
            } else if let block = blocks.take(size) {
                return (block.address, block.bytes, false)
            }
            nextAddress += 1
            if recentFirst == nil { blocks.lend(address: nextAddress, bytes: size, budget: budget) }
            return (nextAddress, size, true)
        }

        mutating func give(_ block: (address: Int, bytes: Int)) {
            guard var idle = recentFirst else { _ = blocks.give(address: block.address, bytes: block.bytes, budget: budget); return }
            guard block.bytes <= budget else { return }
            while idle.reduce(0, { $0 + $1.bytes }) + block.bytes > budget { idle.removeFirst() }
            idle.append(block)
            recentFirst = idle
        }

        /// One call of a model with these layer sizes; the fresh bytes it mapped.
        mutating func call(_ sizes: [Int]) -> Int {
            var fresh = 0, previous: (address: Int, bytes: Int)?
            for size in sizes {
                let output = take(size), temporary = take(size)
                fresh += (output.fresh ? output.bytes : 0) + (temporary.fresh ? temporary.bytes : 0)
                give((temporary.address, temporary.bytes))
                if let previous { give(previous) }
                previous = (output.address, output.bytes)
            }
            if let previous { give(previous) }
            return fresh
        }
    }

    @Test("a pattern within the budget maps nothing after its first call")
    func steadyState() {
        var pool = Simulated(budget: 800 * Self.mb)
        #expect(pool.call(Self.large) > 0)
        for _ in 0..<5 { #expect(pool.call(Self.large) == 0) }
    }

    @Test("models taking turns beyond the budget keep more blocks than least-recently-released eviction")
    func alternatingModels() {
        var pool = Simulated(budget: 700 * Self.mb), reference = Simulated(budget: 700 * Self.mb, leastRecentlyReleased: true)
        var fresh = 0, referenceFresh = 0
        for round in 0..<12 {
            let mapped = pool.call(Self.large) + pool.call(Self.small)
            let referenceMapped = reference.call(Self.large) + reference.call(Self.small)
            if round >= 6 { fresh += mapped; referenceFresh += referenceMapped }
        }
        #expect(referenceFresh > 0, "the budget must be too small for both models, or there is nothing to compare")
        #expect(fresh * 2 <= referenceFresh, "steady-state fresh bytes \(fresh) against \(referenceFresh)")
    }

    @Test("a model that stops using its blocks gives way to the one that goes on")
    func ageing() {
        var pool = Simulated(budget: 800 * Self.mb)
        for _ in 0..<30 { _ = pool.call(Self.large) }
        var lastCalls: [Int] = []
        for _ in 0..<20 { lastCalls.append(pool.call(Self.small)) }
        #expect(lastCalls.suffix(4).allSatisfy { $0 == 0 }, "fresh bytes per call: \(lastCalls)")
    }

    @Test("a block larger than the budget goes back at once; idle bytes never exceed the budget")
    func budgetBound() {
        var blocks = IdleBlocks()
        blocks.lend(address: 1, bytes: 10, budget: 8)
        #expect(blocks.give(address: 1, bytes: 10, budget: 8).map(\.address) == [1])
        for address in 2...9 {
            blocks.lend(address: address, bytes: 3, budget: 8)
            _ = blocks.give(address: address, bytes: 3, budget: 8)
            #expect(blocks.bytes <= 8)
        }
        #expect(blocks.removeAll().count == 2 && blocks.bytes == 0)
    }
}
