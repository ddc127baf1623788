import ToonCore

/// NumPy values as pickles hold them: arrays (`_reconstruct(ndarray, (0,), b'b')` + BUILD with
/// `(version, shape, dtype, is_fortran, raw bytes)`; with protocol 5, numpy >= 1.16 writes
/// `_frombuffer(bytearray, dtype, shape, order)` instead), scalars (`scalar(dtype, raw bytes)`) and
/// dtypes (`dtype('f4', False, True)` + BUILD whose second item is the byte order).
public enum NumpyArrays {
    public static let reconstruct = PickleGlobal("numpy.core.multiarray", "_reconstruct")
    public static let scalar = PickleGlobal("numpy.core.multiarray", "scalar")
    public static let dtype = PickleGlobal("numpy", "dtype")
    public static let fromBuffer = PickleGlobal("numpy.core.numeric", "_frombuffer")

    /// True when `value` is an array or a scalar node.
    public static func isArray(_ value: PickleValue) -> Bool {
        value.object(of: reconstruct) != nil || value.object(of: scalar) != nil || value.object(of: fromBuffer) != nil
    }

    /// The element type and byte order of a dtype node.
    public static func elementType(_ value: PickleValue, name: String, source: String) throws(ToonIOError) -> (StoredElement, bigEndian: Bool) {
        func fail(_ why: String) -> ToonIOError { ToonIOError(file: source, .checkpoint(.badTensor(name, why))) }
        guard let dtype = value.object(of: dtype), var code = dtype.args.first?.string else { throw fail("array without a dtype") }
        var order = dtype.state?.elements.flatMap { $0.count > 1 ? $0[1].string : nil } ?? "="
        if let first = code.first, "<>=|".contains(first) {
            order = String(first)
            code.removeFirst()
        }
        let element: StoredElement
        switch code {
        case "f4": element = .float32
        case "f8": element = .float64
        case "f2": element = .float16
        case "i8": element = .int64
        case "i4": element = .int32
        case "i2": element = .int16
        case "i1": element = .int8
        case "u1": element = .uint8
        case "b1": element = .bool
        default: throw ToonIOError(file: source, .checkpoint(.unsupported("tensor \(name): numpy dtype \(code)")))
        }
        return (element, order == ">")
    }

    /// The tensor an array or scalar node holds, or nil when `value` is neither.
    public static func tensor(_ value: PickleValue, name: String, source: String,
                              counts: inout TensorLoadCounts) throws(ToonIOError) -> Tensor? {
        func fail(_ why: String) -> ToonIOError { ToonIOError(file: source, .checkpoint(.badTensor(name, why))) }
        if let scalar = value.object(of: scalar) {
            guard scalar.args.count == 2 else { throw fail("bad numpy scalar") }
            let (element, bigEndian) = try elementType(scalar.args[0], name: name, source: source)
            return try TensorAssembly.make(name: name, source: source, shape: [], strides: [], offset: 0, element: element,
                                           bigEndian: bigEndian, data: try raw(scalar.args[1], fail), counts: &counts)
        }
        if let array = value.object(of: fromBuffer) {
            guard array.args.count == 4, let dims = array.args[2].elements, let order = array.args[3].string, ["C", "F"].contains(order) else {
                throw fail("bad numpy _frombuffer arguments")
            }
            return try assemble(shape: dims, dtype: array.args[1], fortran: order == "F", data: array.args[0], name: name, source: source,
                                counts: &counts, fail)
        }
        guard let array = value.object(of: reconstruct) else { return nil }
        guard var state = array.state?.elements else { throw fail("numpy array without state") }
        if state.count == 5 { state.removeFirst() }  // leading pickle version
        guard state.count == 4, let dims = state[0].elements, let fortran = state[2].bool else { throw fail("bad numpy array state") }
        return try assemble(shape: dims, dtype: state[1], fortran: fortran, data: state[3], name: name, source: source,
                            counts: &counts, fail)
    }

    /// An array from its shape tuple, dtype node, memory order and raw data.
    private static func assemble(shape dims: [PickleValue], dtype: PickleValue, fortran: Bool, data: PickleValue, name: String,
                                 source: String, counts: inout TensorLoadCounts,
                                 _ fail: (String) -> ToonIOError) throws(ToonIOError) -> Tensor {
        let shape = dims.compactMap(\.int)
        guard shape.count == dims.count else { throw fail("numpy shape is not a tuple of ints") }
        let (element, bigEndian) = try elementType(dtype, name: name, source: source)
        var strides = Shape.strides(shape)
        if fortran {
            var step = 1
            for axis in shape.indices {
                strides[axis] = step
                step = step.multipliedReportingOverflow(by: max(shape[axis], 1)).partialValue
            }
        }
        return try TensorAssembly.make(name: name, source: source, shape: shape, strides: strides, offset: 0, element: element,
                                       bigEndian: bigEndian, data: try raw(data, fail), counts: &counts)
    }

    /// A numpy scalar node as a plain number (for configs); other values unchanged.
    public static func plainNumber(_ value: PickleValue) -> PickleValue {
        var counts = TensorLoadCounts()
        guard let scalar = value.object(of: scalar), scalar.args.count == 2,
              let (element, _) = try? elementType(scalar.args[0], name: "", source: ""),
              let t = try? tensor(value, name: "", source: "", counts: &counts) else { return value }
        switch element {
        case .float32, .float64, .float16, .bfloat16:
            // Read float64 scalars exactly rather than through Float.
            if element == .float64, case .bytes(let b) = scalar.args[1], let bits = b.unsigned(at: 0, size: 8) {
                return .float(Double(bitPattern: bits))
            }
            return .float(Double(t.scalar))
        case .bool: return .bool(t.scalar != 0)
        default:
            if case .bytes(let b) = scalar.args[1], let bits = b.unsigned(at: 0, size: element.size) {
                let shift = UInt64(64 - 8 * element.size)
                return .int(element == .uint8 ? Int(bits) : Int(Int64(bitPattern: bits << shift) >> Int64(shift)))
            }
            return .float(Double(t.scalar))
        }
    }

    private static func raw(_ value: PickleValue, _ fail: (String) -> ToonIOError) throws(ToonIOError) -> ByteSlice {
        switch value {
        case .bytes(let b): return b
        case .string(let s):
            // Python 2 pickles keep array data in a str; only Latin-1 text can be bytes.
            var out: [UInt8] = []
            for scalar in s.unicodeScalars {
                guard scalar.value <= 0xff else { throw fail("array data is text, not bytes") }
                out.append(UInt8(scalar.value))
            }
            return FileBytes(name: "", copying: out).all
        default: throw fail("array data is \(value.kindName), not bytes (object arrays are not read)")
        }
    }
}
