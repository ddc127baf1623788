import Testing
import ToonCore
@testable import ToonMetrics
import ToonTestSupport

@Suite(.computeFromEnvironment) struct RadixSortTests {
    @Test func ordersAsTheStandardSort() {
        var random = NumpyRandomState(seed: 3)
        var values = random.normalTensor([5000]).scalars.map { $0 * 1000 }
        values += [0, -0.0, 1e-30, -1e-30, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 3, 3, -3]
        let mine = RadixSort.sorted(values[...])
        #expect(mine.map(\.bitPattern) == values.sorted().map(\.bitPattern) || mine == values.sorted())
        #expect(RadixSort.sorted([]) == [])
        #expect(RadixSort.sorted(values[10..<20]) == values[10..<20].sorted())
    }
}
