import Foundation
import Testing
import ToonCore
@testable import ToonIO
import ToonTestSupport

/// .npz archives written by numpy (Tests/Fixtures/numpy/make_npy_fixtures.py), as Chainer's save_npz
/// writes waifu2x's models.
@Suite("NumPy .npz archives")
struct NumPyArchiveTests {
    static func fixture(_ name: String) -> URL { NumPyFileTests.fixture(name) }

    @Test("stored and deflated archives read every array by its name without .npy, in order",
          arguments: ["stored.npz", "deflated.npz"])
    func reads(_ name: String) throws {
        let arrays = try NPZ.read(Self.fixture(name))
        #expect(arrays.names == ["conv1/W", "conv1/b"])
        #expect(arrays["conv1/W"]?.shape == [2, 3] && arrays["conv1/W"]?.scalars == NumPyFileTests.floats)
        #expect(arrays["conv1/b"]?.scalars == [0, 1, 2])
    }

    @Test("an entry that is not an array, a cut array and a file that is no zip: one line naming the file and the part",
          arguments: [
              ("not_arrays.npz", "zip entry notes.txt is not a .npy array"),
              ("cut_array.npz", "tensor conv1/W: "),
              ("f_le4.npy", "not an .npz archive (no zip signature)"),
          ])
    func refuses(_ name: String, _ message: String) {
        let url = Self.fixture(name)
        #expect {
            try NPZ.read(url)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("\(url.path): \(message)") && !text.contains("\n")
        }
    }
}
