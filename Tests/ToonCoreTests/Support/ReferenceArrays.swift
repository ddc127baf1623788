import Foundation
import Testing
@testable import ToonCore

/// Golden arrays from Reference/ResampleReferenceData.swift (made by make_resample_reference.py).
func referenceTensor(_ name: String) -> Tensor {
    guard let entry = ResampleReferenceData.arrays[name], let data = Data(base64Encoded: entry.base64) else {
        preconditionFailure("no reference array named \(name)")
    }
    let scalars = (0..<(data.count / 4)).map { i in
        Float(bitPattern: UInt32(littleEndian: data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self) }))
    }
    return Tensor(shape: entry.shape, scalars: scalars)
}

/// Expects equal shapes and |a - b| <= tolerance * (1 + |b|) elementwise.
func expectClose(_ a: Tensor, _ b: Tensor, tolerance: Float, _ what: String = "",
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.shape == b.shape, "\(what): shape \(a.shape) vs \(b.shape)", sourceLocation: sourceLocation)
    guard a.shape == b.shape else { return }
    let x = a.scalars, y = b.scalars
    var worst: (index: Int, error: Float) = (0, 0)
    for i in 0..<x.count {
        let error = Swift.abs(x[i] - y[i]) / (1 + Swift.abs(y[i]))
        if !(error <= worst.error) { worst = (i, error) }
    }
    #expect(worst.error <= tolerance,
            "\(what): element \(worst.index) is \(x.isEmpty ? 0 : x[worst.index]), expected \(y.isEmpty ? 0 : y[worst.index])",
            sourceLocation: sourceLocation)
}
