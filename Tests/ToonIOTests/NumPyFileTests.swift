import Foundation
import Testing
import ToonCore
@testable import ToonIO
import ToonTestSupport

/// .npy reading and writing against files written by numpy (Tests/Fixtures/numpy/make_npy_fixtures.py).
@Suite("NumPy .npy files", .computeFromEnvironment)
struct NumPyFileTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/numpy")
    let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("toonkit-npy-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    static func fixture(_ name: String) -> URL { fixtures.appendingPathComponent(name) }

    /// The values every fixture stores, by kind (see the script's docstring).
    static let floats: [Float] = [-1, -0.5, 0, 0.5, 1, 1.5]
    static let signed: [Float] = [-3, -2, -1, 0, 1, 2]
    static let unsigned: [Float] = [0, 1, 2, 253, 254, 255]

    @Test("every supported dtype and byte order reads as the same Float32 values",
          arguments: [
              ("f_le2.npy", floats), ("f_le4.npy", floats), ("f_le8.npy", floats), ("f_be4.npy", floats),
              ("f_be8.npy", floats), ("i_le1.npy", signed), ("i_le2.npy", signed), ("i_le4.npy", signed),
              ("i_le8.npy", signed), ("i_be4.npy", signed), ("u_le1.npy", unsigned), ("u_le2.npy", unsigned),
              ("u_le4.npy", unsigned), ("u_le8.npy", unsigned), ("b1.npy", [1, 0, 1, 0, 0, 1]),
              ("f4_v2.npy", floats), ("f4_v3.npy", floats),
          ] as [(String, [Float])])
    func readsDTypes(name: String, expected: [Float]) throws {
        let tensor = try NPY.read(Self.fixture(name))
        #expect(tensor.shape == [2, 3])
        #expect(tensor.scalars == expected)
    }

    @Test("a one-dimensional Fortran-ordered array reads, since its layout is C order too")
    func fortranVector() throws {
        let tensor = try NPY.read(Self.fixture("f4_fortran_1d.npy"))
        #expect(tensor.shape == [3])
        #expect(tensor.scalars == [1, 2, 3])
    }

    @Test("a Fortran-ordered matrix is refused with a layout error naming the file")
    func fortranMatrix() {
        let error = expectError { try NPY.read(Self.fixture("f4_fortran.npy")) }
        guard case .unsupportedLayout = error?.tensorFileProblem else { Issue.record("got \(String(describing: error))"); return }
        #expect(error!.description.hasPrefix(Self.fixture("f4_fortran.npy").path + ": unsupported layout: fortran_order"))
    }

    @Test("complex and string dtypes are refused with the dtype in the message",
          arguments: [("c8.npy", "'<c8'"), ("str.npy", "'<U2'")])
    func unsupportedDTypes(name: String, descr: String) {
        let error = expectError { try NPY.read(Self.fixture(name)) }
        guard case .unsupportedDType = error?.tensorFileProblem else { Issue.record("got \(String(describing: error))"); return }
        #expect(error!.description.contains(descr))
    }

    @Test("every truncation of a valid file is an error, never a crash or a wrong tensor")
    func truncations() throws {
        let bytes = try Data(contentsOf: Self.fixture("f_le8.npy"))
        for length in 0..<bytes.count {
            let error = expectError { try decode(bytes.prefix(length)) }
            switch error?.tensorFileProblem {
            case .truncated?, .badMagic?: break
            default: Issue.record("length \(length): \(String(describing: error))")
            }
        }
    }

    @Test("bad magic, unknown versions, broken dicts and extra data give the matching error")
    func malformed() throws {
        let good = try Data(contentsOf: Self.fixture("f_le4.npy"))
        var magic = good
        magic[1] = UInt8(ascii: "X")
        #expect(problemKind(magic) == "badMagic")
        var version = good
        version[6] = 4
        #expect(problemKind(version) == "badHeader")
        #expect(problemKind(good + Data([0])) == "sizeMismatch")
        for dict in ["{'descr': '<f4', 'fortran_order': False}", "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}",
                     "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", "[1, 2]", "{'descr': '<f4'",
                     "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999)}",
                     "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } junk",
                     String(repeating: "(", count: 5000)] {
            #expect(problemKind(Self.npy(header: dict, data: Data(count: 4))) == "badHeader", "\(dict.prefix(60))")
        }
    }

    @Test("a hand-built header with extra keys and spacing still reads")
    func tolerantHeader() throws {
        let file = Self.npy(header: "{ \"shape\" : (2,) , 'fortran_order':False,'descr':'<i4', 'extra': None}",
                            data: Data([7, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]))
        #expect(try decode(file).scalars == [7, -1])
    }

    @Test("writing produces exactly the bytes numpy.save writes, and reads back",
          arguments: [
              ("numpy_scalar.npy", Tensor(2.5)),
              ("numpy_empty.npy", Tensor.zeros([0, 3])),
              ("numpy_1d.npy", Tensor(shape: [5], scalars: [0, 0.25, 0.5, 0.75, 1])),
              ("numpy_2x3.npy", Tensor(shape: [2, 3], scalars: floats)),
              ("numpy_4d.npy", Tensor(shape: [2, 3, 4, 5], scalars: (0..<120).map { (Float($0) - 60) / 8 })),
              ("numpy_wide.npy", Tensor(shape: [1, 3], scalars: [12_345_678, 12_345_679, 12_345_680])),
          ])
    func writesLikeNumpy(name: String, tensor: Tensor) throws {
        let url = folder.appendingPathComponent(name)
        try NPY.write(tensor, to: url)
        #expect(try Data(contentsOf: url) == Data(contentsOf: Self.fixture(name)))
        let back = try NPY.read(url)
        #expect(back.shape == tensor.shape)
        #expect(back.scalars == tensor.scalars)
    }

    @Test("a write into a missing folder fails with the file's name and leaves nothing behind")
    func writeFailure() {
        let url = folder.appendingPathComponent("missing/x.npy")
        let error = #expect(throws: ToonIOError.self) { try NPY.write(Tensor(1), to: url) }
        #expect(error?.writeProblem != nil)
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test("a missing file is a cannotOpen error naming it")
    func missingFile() {
        let url = folder.appendingPathComponent("absent.npy")
        let error = expectError { try NPY.read(url) }
        #expect(error?.description.hasPrefix("\(url.path): cannot open:") == true)
    }

    // MARK: helpers

    private func decode(_ data: Data) throws(ToonIOError) -> Tensor {
        let url = URL(fileURLWithPath: "/memory/test.npy")
        // Copy so that an empty Data still gives a valid (empty) buffer.
        let bytes = [UInt8](data)
        do {
            return try bytes.withUnsafeBytes { buffer in try NPY.decode(buffer, url: url) }
        } catch let error as ToonIOError {
            throw error
        } catch {
            fatalError("untyped error \(error)")
        }
    }

    private func problemKind(_ data: Data) -> String {
        guard let error = expectError({ try decode(data) }) else { return "no error" }
        return String(describing: error.tensorFileProblem!).components(separatedBy: "(").first!
    }

    /// A version 1.0 file with `header` as its dict (padded and newline-terminated as numpy does).
    static func npy(header: String, data: Data) -> Data {
        var text = header
        text += String(repeating: " ", count: 64 - (10 + text.utf8.count + 1) % 64) + "\n"
        var file = Data(NPYHeader.magic + [1, 0, UInt8(text.utf8.count & 0xFF), UInt8(text.utf8.count >> 8)])
        file.append(contentsOf: Array(text.utf8))
        return file + data
    }
}

/// Runs `body`, expecting a tensor file error; records an issue and returns nil otherwise.
func expectError<T>(_ body: () throws -> T, sourceLocation: SourceLocation = #_sourceLocation) -> ToonIOError? {
    do {
        let value = try body()
        Issue.record("expected an error, got \(value)", sourceLocation: sourceLocation)
        return nil
    } catch let error as ToonIOError where error.tensorFileProblem != nil {
        #expect(!error.description.contains("\n"), "error text must be one line", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected a tensor file error, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
