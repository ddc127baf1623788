import ToonCore

/// An element type that checkpoints store, and how one element becomes a Float.
public enum StoredElement: String, Sendable, Equatable {
    case float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8, bool

    public var size: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .float16, .bfloat16, .int16: 2
        case .int8, .uint8, .bool: 1
        }
    }

    /// The element at `p`, byte-swapped first when the data is big-endian.
    @inline(__always) func load(_ p: UnsafeRawPointer, swapped: Bool) -> Float {
        switch self {
        case .float32:
            let bits = p.loadUnaligned(as: UInt32.self)
            return Float(bitPattern: swapped ? bits.byteSwapped : bits)
        case .float64:
            let bits = p.loadUnaligned(as: UInt64.self)
            return Float(Double(bitPattern: swapped ? bits.byteSwapped : bits))
        case .float16:
            let bits = p.loadUnaligned(as: UInt16.self)
            return StoredElement.halfToFloat(swapped ? bits.byteSwapped : bits)
        case .bfloat16:
            let bits = p.loadUnaligned(as: UInt16.self)
            return Float(bitPattern: UInt32(swapped ? bits.byteSwapped : bits) << 16)
        case .int64:
            let bits = p.loadUnaligned(as: UInt64.self)
            return Float(Int64(bitPattern: swapped ? bits.byteSwapped : bits))
        case .int32:
            let bits = p.loadUnaligned(as: UInt32.self)
            return Float(Int32(bitPattern: swapped ? bits.byteSwapped : bits))
        case .int16:
            let bits = p.loadUnaligned(as: UInt16.self)
            return Float(Int16(bitPattern: swapped ? bits.byteSwapped : bits))
        case .int8: return Float(p.load(as: Int8.self))
        case .uint8: return Float(p.load(as: UInt8.self))
        case .bool: return p.load(as: UInt8.self) != 0 ? 1 : 0
        }
    }

    /// IEEE half to single; exact for every half value, subnormals included.
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int((h >> 10) & 0x1f)
        let mantissa = UInt32(h & 0x3ff)
        if exponent == 0x1f { return Float(bitPattern: sign | 0x7f80_0000 | mantissa << 13) }
        if exponent == 0 {
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -magnitude : magnitude
        }
        return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | mantissa << 13)
    }
}

/// Counts of tensors that point into the file versus those that had to be converted or copied.
public struct TensorLoadCounts: Sendable, Equatable {
    public var borrowed = 0
    public var copied = 0
    /// Elements converted or copied so far, and the most a file may ask for: a file that shares one
    /// storage among very many tensors must not turn a few megabytes into terabytes of copies.
    var copiedElements = 0
    var copyLimit = Int.max

    public init() {}

    /// Counts for a file of `fileSize` bytes: copies may total four times the file, or 64 Mi elements.
    init(fileSize: Int) {
        copyLimit = max(fileSize.multipliedReportingOverflow(by: 4).partialValue, 1 << 26)
    }
}

/// Turns stored elements into contiguous Float32 tensors, zero-copy when the data already is one.
enum TensorAssembly {
    /// Upper bound on elements made from a smaller storage (stride-0 expansion), so a few bytes
    /// cannot ask for gigabytes.
    static let maxExpansion = 1 << 24

    /// A tensor of `shape` whose element (i, j, ...) is the stored element at
    /// `offset + i*strides[0] + j*strides[1] + ...` of `data` (all in elements).
    static func make(name: String, source: String, shape: [Int], strides: [Int], offset: Int,
                     element: StoredElement, bigEndian: Bool, data: ByteSlice,
                     counts: inout TensorLoadCounts) throws(ToonIOError) -> Tensor {
        func fail(_ why: String) -> ToonIOError { ToonIOError(file: source, .checkpoint(.badTensor(name, why))) }
        guard shape.count == strides.count else { throw fail("shape \(shape) and strides \(strides) differ in rank") }
        guard shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }), offset >= 0 else {
            throw fail("negative size, stride or offset")
        }
        let available = data.count / element.size
        var count = 1
        var last = offset
        for (d, s) in zip(shape, strides) {
            let (c, o1) = count.multipliedReportingOverflow(by: d)
            guard !o1 else { throw fail("shape \(shape) is too large") }
            count = c
            if d > 0 {
                let (step, o2) = (d - 1).multipliedReportingOverflow(by: s)
                let (sum, o3) = last.addingReportingOverflow(step)
                guard !o2, !o3 else { throw fail("strides \(strides) are too large") }
                last = sum
            }
        }
        if count == 0 { return Tensor(shape: shape, scalars: []) }
        guard last < available else {
            throw fail("storage too small (\(available) elements; shape \(shape), strides \(strides), offset \(offset) reach element \(last))")
        }
        guard count <= max(available, maxExpansion) else { throw fail("\(count) elements from a storage of \(available)") }

        let contiguous = strides == Shape.strides(shape).enumerated().map { shape[$0.offset] == 1 ? strides[$0.offset] : $0.element }
        let start = data.address(at: offset * element.size)
        if contiguous, element == .float32, !bigEndian, Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0 {
            counts.borrowed += 1
            let storage = TensorStorage(borrowing: start.assumingMemoryBound(to: Float.self), count: count, owner: data.owner)
            return Tensor(shape: shape, storage: storage)
        }
        guard count <= counts.copyLimit - counts.copiedElements else {
            throw ToonIOError(file: source, .checkpoint(.limitExceeded("tensor \(name): more converted elements than the file can hold", at: nil)))
        }
        counts.copied += 1
        counts.copiedElements += count
        var tensor = Tensor(uninitializedShape: shape)
        tensor.withUnsafeMutableBufferPointer { out in
            let size = element.size
            if contiguous {
                for i in 0..<count { out[i] = element.load(start + i * size, swapped: bigEndian) }
                return
            }
            // Odometer over the shape: the innermost index moves fastest, as in row-major order.
            var index = [Int](repeating: 0, count: shape.count)
            var position = offset
            for i in 0..<count {
                out[i] = element.load(data.address(at: position * size), swapped: bigEndian)
                var axis = shape.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    position += strides[axis]
                    if index[axis] < shape[axis] { break }
                    position -= strides[axis] * shape[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        return tensor
    }
}
