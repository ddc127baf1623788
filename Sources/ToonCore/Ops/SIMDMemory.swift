/// Vector loads and stores at any float address, for kernels that walk rows eight or sixteen
/// floats at a time.
extension SIMD where Scalar == Float {
    @inline(__always) static func load(_ pointer: UnsafePointer<Float>) -> Self {
        UnsafeRawPointer(pointer).loadUnaligned(as: Self.self)
    }

    @inline(__always) func store(to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: Self.self)
    }
}

/// Eight floats or one, loaded, combined and stored alike: a kernel written once over `FloatLanes`
/// runs its main loop eight columns at a time and its tail one at a time.
protocol FloatLanes {
    static var width: Int { get }
    static func load(_ pointer: UnsafePointer<Float>) -> Self
    func store(to pointer: UnsafeMutablePointer<Float>)
    /// Stores a0 b0 a1 b1 ... (2 * width floats).
    static func storeInterleaved(_ a: Self, _ b: Self, to pointer: UnsafeMutablePointer<Float>)
    /// Stores a0 b0 c0 d0 a1 b1 c1 d1 ... (4 * width floats).
    static func storeInterleaved(_ a: Self, _ b: Self, _ c: Self, _ d: Self, to pointer: UnsafeMutablePointer<Float>)
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
}

extension Float: FloatLanes {
    static var width: Int { 1 }
    @inline(__always) static func load(_ pointer: UnsafePointer<Float>) -> Float { pointer.pointee }
    @inline(__always) func store(to pointer: UnsafeMutablePointer<Float>) { pointer.pointee = self }
    @inline(__always) static func storeInterleaved(_ a: Float, _ b: Float, to pointer: UnsafeMutablePointer<Float>) {
        (pointer[0], pointer[1]) = (a, b)
    }
    @inline(__always) static func storeInterleaved(_ a: Float, _ b: Float, _ c: Float, _ d: Float,
                                                   to pointer: UnsafeMutablePointer<Float>) {
        (pointer[0], pointer[1], pointer[2], pointer[3]) = (a, b, c, d)
    }
}

extension SIMD8: FloatLanes where Scalar == Float {
    static var width: Int { 8 }
    @inline(__always) static func storeInterleaved(_ a: Self, _ b: Self, to pointer: UnsafeMutablePointer<Float>) {
        var ab = SIMD16<Float>()
        (ab.evenHalf, ab.oddHalf) = (a, b)
        ab.store(to: pointer)
    }
    @inline(__always) static func storeInterleaved(_ a: Self, _ b: Self, _ c: Self, _ d: Self,
                                                   to pointer: UnsafeMutablePointer<Float>) {
        var ac = SIMD16<Float>(), bd = SIMD16<Float>(), all = SIMD32<Float>()
        (ac.evenHalf, ac.oddHalf) = (a, c)
        (bd.evenHalf, bd.oddHalf) = (b, d)
        (all.evenHalf, all.oddHalf) = (ac, bd)
        all.store(to: pointer)
    }
}
