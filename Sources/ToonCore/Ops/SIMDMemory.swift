/// Vector loads and stores at any float address, for Swift loops that walk rows eight or sixteen
/// floats at a time (the hot kernels live in CKernels, compiled for each instruction set).
extension SIMD where Scalar == Float {
    @inline(__always) static func load(_ pointer: UnsafePointer<Float>) -> Self {
        UnsafeRawPointer(pointer).loadUnaligned(as: Self.self)
    }

    @inline(__always) func store(to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: Self.self)
    }
}
