/// A Float32 tensor: a value type over copy-on-write storage. Images are NCHW.
///
/// Most tensors are dense and row-major. `permuted`, `slice` and `expanded(to:)` return views
/// instead: the same storage read with other strides, no copy. Operations that need dense input
/// make it so explicitly (`contiguous()`), and so do the `withUnsafe...BufferPointer` calls.
///
/// Tensors produced from inputs that require gradients carry a `GradNode`, which is how reverse-mode
/// autodiff finds its way back; see `gradients(of:wrt:)`.
public struct Tensor: @unchecked Sendable {
    public let shape: [Int]
    @usableFromInline var storage: TensorStorage
    /// Element offset of this tensor's first element in `storage` (views share storage).
    @usableFromInline let offset: Int
    /// A view's strides (elements between neighbours along each axis, 0 along broadcast axes);
    /// nil for a dense row-major tensor, which needs no array of its own.
    @usableFromInline let viewStrides: [Int]?
    @usableFromInline var node: GradNode?

    @inlinable public var count: Int { Shape.count(shape) }
    @inlinable public var rank: Int { shape.count }

    /// Wraps existing storage; `offset + count` must lie inside it.
    @usableFromInline package init(shape: [Int], storage: TensorStorage, offset: Int = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(offset >= 0 && offset + Shape.count(shape) <= storage.count,
                     "shape \(shape) at offset \(offset) exceeds storage of \(storage.count)")
        self.shape = shape
        self.storage = storage
        self.offset = offset
        self.viewStrides = nil
        self.node = nil
    }

    /// A view of `storage` with these strides; every element it reaches must lie inside the storage.
    package init(shape: [Int], strides: [Int], storage: TensorStorage, offset: Int) {
        precondition(shape.count == strides.count && shape.allSatisfy { $0 >= 0 } && strides.allSatisfy { $0 >= 0 },
                     "view shape \(shape) with strides \(strides)")
        let count = Shape.count(shape)
        let last = zip(shape, strides).reduce(offset) { $0 + Swift.max($1.0 - 1, 0) * $1.1 }
        precondition(offset >= 0 && (count == 0 || last < storage.count),
                     "view \(shape) strides \(strides) at offset \(offset) exceeds storage of \(storage.count)")
        self.shape = shape
        self.storage = storage
        self.offset = offset
        self.viewStrides = Tensor.isRowMajor(shape, strides) ? nil : strides
        self.node = nil
    }

    /// Elements between neighbours along each axis.
    public var strides: [Int] { viewStrides ?? Shape.strides(shape) }

    /// Whether the elements lie densely in row-major order (not a permuted, strided or broadcast view).
    @inlinable public var isContiguous: Bool { viewStrides == nil }

    /// Strides that walk `shape` densely in row-major order (axes of size 1 may have any stride).
    static func isRowMajor(_ shape: [Int], _ strides: [Int]) -> Bool {
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] != 1 {
            if strides[axis] != step { return false }
            step *= shape[axis]
        }
        return true
    }

    /// The first element, for kernels that read dense memory: only on contiguous tensors (an op
    /// given a view calls `contiguous()` first).
    @usableFromInline var denseBase: UnsafeMutablePointer<Float> {
        precondition(viewStrides == nil, "ToonCore: raw access to a strided view; call contiguous() first")
        return storage.pointer + offset
    }

    /// A tensor whose elements are not initialised; fill it through `withUnsafeMutableBufferPointer`.
    public init(uninitializedShape shape: [Int]) {
        self.init(shape: shape, storage: TensorStorage(uninitializedCount: Shape.count(shape)))
    }

    /// A tensor filled with `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(uninitializedShape: shape)
        storage.pointer.initialize(repeating: value, count: count)
    }

    /// A tensor holding `scalars` in row-major order.
    public init(shape: [Int], scalars: [Float]) {
        precondition(scalars.count == Shape.count(shape),
                     "\(scalars.count) scalars do not fill shape \(shape)")
        self.init(uninitializedShape: shape)
        scalars.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: $0.count) }
    }

    /// A rank-0 tensor.
    public init(_ scalar: Float) {
        self.init(repeating: scalar, shape: [])
    }

    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// The elements in row-major order.
    public var scalars: [Float] {
        withUnsafeBufferPointer { Array($0) }
    }

    /// The single element of a one-element tensor.
    public var scalar: Float {
        precondition(count == 1, "scalar of a tensor with shape \(shape)")
        return storage.pointer[offset]
    }

    /// Read access to the elements in row-major order, valid only inside `body`. A view's elements
    /// are first copied into dense memory.
    @inlinable public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        guard isContiguous else { return try contiguousValues().withUnsafeBufferPointer(body) }
        return try body(UnsafeBufferPointer(start: storage.pointer + offset, count: count))
    }

    /// Read access to the elements where they lie, views included (no copy): `body` gets the first
    /// element and the strides, valid only inside `body`.
    func withUnsafeStridedElements<R>(_ body: (UnsafePointer<Float>, [Int]) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(storage.pointer + offset, strides) }
    }

    /// Mutable access. Copies first when the storage is shared or borrowed, and drops any gradient
    /// history: a tensor changed in place is a new value, not the output of the ops that made it.
    @inlinable public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        makeUniquelyWritable()
        node = nil
        return try body(UnsafeMutableBufferPointer(start: storage.pointer + offset, count: count))
    }

    @usableFromInline mutating func makeUniquelyWritable() {
        if isContiguous && isKnownUniquelyReferenced(&storage) && storage.isWritable {
            storage.dropDerived()
            return
        }
        guard isContiguous else { self = contiguousValues(); return }
        let copy = TensorStorage(uninitializedCount: count)
        copy.pointer.update(from: storage.pointer + offset, count: count)
        self = Tensor(shape: shape, storage: copy, offset: 0)
    }

    /// `compute(self)`, computed once for these elements and kept with their storage until they
    /// change in place: for values inference derives from constant weights on every call. `name`
    /// must identify the computation. The result records no gradient history.
    public func derived(_ name: String, _ compute: (Tensor) -> Tensor) -> Tensor {
        storage.derived(TensorStorage.DerivedKey(name: name, offset: offset, shape: shape, strides: strides)) {
            let value = withoutGradients { compute(self) }
            // A view of this storage kept in its own cache would keep it alive forever: keep a copy.
            return value.storage === storage ? Tensor(shape: value.shape, scalars: value.scalars) : value
        }
    }

    /// Same elements, new shape (no copy of a contiguous tensor; a view is made dense first). One
    /// dimension may be -1.
    public func reshapedStorage(to newShape: [Int]) -> Tensor {
        guard isContiguous else { return contiguousValues().reshapedStorage(to: newShape) }
        return Tensor(shape: Tensor.resolve(newShape, count: count), storage: storage, offset: offset)
    }

    static func resolve(_ shape: [Int], count: Int) -> [Int] {
        var shape = shape
        if let hole = shape.firstIndex(of: -1) {
            shape[hole] = 1
            let known = Shape.count(shape)
            precondition(known > 0 && count % known == 0, "cannot reshape \(count) elements to \(shape)")
            shape[hole] = count / known
        }
        precondition(Shape.count(shape) == count, "cannot reshape \(count) elements to \(shape)")
        return shape
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = withUnsafeBufferPointer { $0.prefix(8).map { String($0) }.joined(separator: ", ") }
        return "Tensor\(shape)[\(preview)\(count > 8 ? ", ..." : "")]"
    }
}
